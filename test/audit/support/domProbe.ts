/**
 * A page as headless Chromium loads it, with a probe of ours in its <head>: the probe replaces the dialogs
 * (alert, confirm, prompt, print) with recorders, and once the page has loaded (images failed, their onerror
 * handlers run) it writes what the page became into the DOM Chromium dumps: whether any payload ran (payloads
 * set window.__pwned), every element of the body, every event-handler attribute and URL, the headings, the
 * tables cell by cell, and the body's text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import MarkdownIt from 'markdown-it';
import { baseFlags, freshProfile, run } from './chromium';

export interface PageProbe {
  /** What a payload stored in window.__pwned, or null: no payload ran. */
  executed: string | null;
  dialogs: string[];
  /** Every element in the body, by tag name, in document order. */
  tags: string[];
  eventHandlerAttributes: string[];
  urls: string[];
  headings: Array<{ level: number; text: string }>;
  tables: Array<{ header: string[]; rows: string[][] }>;
  /** The body's text content: every text node, as a reader sees it (entities and escapes resolved). */
  text: string;
}

const PROBE = `<script>
window.__dialogs = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = (message) => { window.__dialogs.push(name + ': ' + String(message)); };
addEventListener('load', () => {
  const all = [...document.body.querySelectorAll('*')];
  const report = {
    executed: window.__pwned === undefined ? null : String(window.__pwned),
    dialogs: window.__dialogs,
    tags: all.map((element) => element.tagName.toLowerCase()),
    eventHandlerAttributes: all.flatMap((element) =>
      [...element.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => element.tagName + ' ' + attribute.name)),
    urls: all.flatMap((element) =>
      ['href', 'src', 'xlink:href', 'action', 'formaction', 'srcdoc', 'data'].flatMap((name) => element.hasAttribute(name) ? [element.getAttribute(name)] : [])),
    headings: [...document.body.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((heading) => ({ level: Number(heading.tagName[1]), text: heading.textContent })),
    tables: [...document.body.querySelectorAll('table')].map((table) => ({
      header: [...table.querySelectorAll('thead th')].map((cell) => cell.textContent),
      rows: [...table.querySelectorAll('tbody tr')].map((row) => [...row.children].map((cell) => cell.textContent)),
    })),
    text: document.body.textContent,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(report));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  document.documentElement.appendChild(out);
});
</script>`;

/** Loads `html` (a whole document with a <head>) in headless Chromium and reads the probe's findings. */
export const probePage = async (html: string, dir: string, name: string): Promise<PageProbe> => {
  if (!/<head>/i.test(html)) throw new Error('probePage needs a document with a <head>');
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html.replace(/<head>/i, `<head>${PROBE}`));
  // The virtual time budget lets the load event and its handlers run before the DOM is dumped.
  const dom = await run([...baseFlags(freshProfile()), '--virtual-time-budget=5000', '--dump-dom', pathToFileURL(file).href]);
  const found = /<pre id="probe">([0-9a-f]*)<\/pre>/.exec(dom);
  if (!found) throw new Error(`the probe did not report on ${file}`);
  return JSON.parse(Buffer.from(found[1] as string, 'hex').toString('utf8')) as PageProbe;
};

/**
 * Markdown as a permissive renderer turns it into a page: markdown-it with raw HTML let through and linkify on
 * (as static-site generators and many viewers are configured), in a document of its own.
 */
export const markdownPage = (markdown: string): string =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Markdown</title></head><body>${new MarkdownIt({ html: true, linkify: true }).render(markdown)}</body></html>`;
