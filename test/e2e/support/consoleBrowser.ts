/**
 * Driving the web console in headless Chromium (puppeteer-core): the browser, what a test must notice about a page
 * (a request to another origin, an error logged or thrown), choosing a user, and where the drill's grid is laid out.
 *
 * The functions run in the page are typed by the few DOM shapes declared here: the root program has Node's types
 * and no DOM library (only src/console's own tsconfig has it), and a test must not bring it into every file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, launch, type Page } from 'puppeteer-core';
import { CHROMIUM, freshProfile } from '../../audit/support/chromium';

interface PageBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}
interface PageNode {
  textContent: string | null;
  parentElement: PageElement | null;
}
interface PageElement extends PageNode {
  tagName: string;
  parentElement: PageElement | null;
  clientWidth: number;
  clientHeight: number;
  scrollWidth: number;
  scrollHeight: number;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  getBoundingClientRect(): PageBox;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  closest(selector: string): PageElement | null;
}
interface PageOption {
  text: string;
  value: string;
}
interface PageSelect extends PageElement {
  options: ArrayLike<PageOption>;
  selectedOptions: ArrayLike<PageOption>;
}
interface PageControl extends PageElement {
  disabled: boolean;
}
interface PageLink extends PageElement {
  href: string;
}
declare const document: {
  documentElement: PageElement;
  querySelector(selector: string): PageElement | null;
  createTreeWalker(root: PageElement, show: number): { nextNode(): PageNode | null };
  createRange(): { selectNodeContents(node: PageNode): void; getClientRects(): ArrayLike<PageBox> };
};
declare const location: { hash: string };
declare const NodeFilter: { SHOW_TEXT: number };
declare function getComputedStyle(element: PageElement): { overflowX: string; overflowY: string; visibility: string; clipPath: string };

export const VIEWPORT = { width: 1280, height: 800 };
/** Long enough for a whole wave at serve's --speed 200 on a loaded CI machine: a wait, never an assertion on time. */
export const WAIT = { timeout: 120_000 };

/** Headless Chromium at 1280×800 in a fresh profile, offline but for the console, sandbox-free (root in a container). */
export const launchBrowser = (): Promise<Browser> =>
  launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: freshProfile(),
    defaultViewport: { ...VIEWPORT, deviceScaleFactor: 1 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
    ],
  });

/** What a page did that a console must not: fetch from another origin (a CDN), log an error (a CSP refusal), throw. */
export interface BrowserTrouble {
  foreignRequests: string[];
  errors: string[];
}

/** Watches `page` from now on; `expected(url, text)` names the errors a test provokes on purpose. */
export const watchTrouble = (page: Page, origin: string, expected: (url: string, text: string) => boolean): BrowserTrouble => {
  const trouble: BrowserTrouble = { foreignRequests: [], errors: [] };
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) trouble.foreignRequests.push(url);
  });
  page.on('pageerror', (error) => trouble.errors.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url ?? '';
    // Chromium asks for a favicon by itself.
    if (url.endsWith('/favicon.ico') || expected(url, message.text())) return;
    trouble.errors.push(`console error: ${message.text()} (${url})`);
  });
  return trouble;
};

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** A test body that, when it fails, first keeps what the browser showed (screenshot and HTML) in `folder`. */
export const showingFailures =
  (folder: string, page: () => Page | undefined, body: () => Promise<void>): (() => Promise<void>) =>
  async () => {
    try {
      await body();
    } catch (error) {
      const open = page();
      if (open) {
        const name = `console-failure-${slug(expect.getState().currentTestName ?? 'unnamed')}`;
        await open.screenshot({ path: join(folder, `${name}.png`) }).catch(() => undefined);
        const html = await open.content().catch(() => undefined);
        if (html !== undefined) writeFileSync(join(folder, `${name}.html`), html);
      }
      throw error;
    }
  };

export const testId = (id: string): string => `[data-testid="${id}"]`;

export const textOf = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (element: PageElement) => element.textContent ?? '');

/** Marks an element, so a test can tell whether a later render kept it or replaced it. */
export const markElement = (page: Page, selector: string, mark: string): Promise<void> =>
  page.$eval(selector, (element: PageElement, value: string) => element.setAttribute('data-test-mark', value), mark);

/** Lets the page run what a navigation queued (hashchange and the render it causes) before the test looks. */
export const settle = (page: Page): Promise<void> => page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 100)));

export const attributeOf = (page: Page, selector: string, name: string): Promise<string | null> =>
  page.$eval(selector, (element: PageElement, attribute: string) => element.getAttribute(attribute), name);

export const isDisabled = (page: Page, selector: string): Promise<boolean> =>
  page.$eval(selector, (control: PageControl) => control.disabled);

/** The text of the table row holding the element. */
export const rowTextOf = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (element: PageElement) => element.closest('tr')?.textContent ?? '');

export const linkOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (link: PageLink) => link.href);

export const currentHash = (page: Page): Promise<string> => page.evaluate(() => location.hash);

export const waitForHash = (page: Page, pattern: RegExp) =>
  page.waitForFunction((source: string) => new RegExp(source).test(location.hash), WAIT, pattern.source);

/** Waits until the element's text matches `pattern` (it may not exist yet). */
export const waitForText = (page: Page, selector: string, pattern: RegExp) =>
  page.waitForFunction(
    (where: string, source: string, flags: string) => new RegExp(source, flags).test(document.querySelector(where)?.textContent ?? ''),
    WAIT,
    selector,
    pattern.source,
    pattern.flags,
  );

export const waitForDisabled = (page: Page, selector: string, disabled: boolean) =>
  page.waitForFunction(
    (where: string, wanted: boolean) => (document.querySelector(where) as PageControl | null)?.disabled === wanted,
    WAIT,
    selector,
    disabled,
  );

/** Chooses, in the header's picker, the user whose option starts with their name (`alice — drill+recovery+approve`). */
export const actAs = async (page: Page, name: string): Promise<void> => {
  const picker = testId('user-picker');
  const value = await page.$eval(
    picker,
    (select: PageSelect, wanted: string) => Array.from(select.options).find((option) => option.text.trim().startsWith(wanted))?.value,
    name,
  );
  if (value === undefined) throw new Error(`the user picker has no option for ${name}: ${await textOf(page, picker)}`);
  await page.select(picker, value);
};

export const chosenUser = (page: Page): Promise<string> =>
  page.$eval(testId('user-picker'), (select: PageSelect) => select.selectedOptions[0]?.text.trim() ?? '');

/** Empties a text field as a person would (select all, delete), so the page sees its input events. */
export const clearField = async (page: Page, selector: string): Promise<void> => {
  await page.focus(selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
};

/** Where an element of the drill's grid is laid out, and anything about it a person would not see whole. */
export interface Placement {
  testId: string;
  text: string;
  status: string | null;
  problems: string[];
}

/**
 * Each wave section (`wave-N`) and server cell (`server-<id>`) of the grid, checked where it is laid out now: shown,
 * inside the viewport (no scrolling), not cut by an ancestor's overflow, no box of it overflowing (an ellipsis, a
 * line cut off), and every piece of its text inside its own box and whatever clips it.
 */
export const gridPlacements = (page: Page): Promise<Placement[]> =>
  page.$$eval(`${testId('wave-grid')} [data-testid]`, (elements: PageElement[]) => {
    const root = document.documentElement;
    const viewport = { left: 0, top: 0, right: root.clientWidth, bottom: root.clientHeight };
    type Box = typeof viewport;
    const SLACK = 1;
    const inside = (inner: Box, outer: Box) =>
      inner.left >= outer.left - SLACK &&
      inner.top >= outer.top - SLACK &&
      inner.right <= outer.right + SLACK &&
      inner.bottom <= outer.bottom + SLACK;
    const shown = (box: Box) => `${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`;
    const clipOf = (element: PageElement): Box => {
      let clip = viewport;
      for (let ancestor = element.parentElement; ancestor; ancestor = ancestor.parentElement) {
        const style = getComputedStyle(ancestor);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const box = ancestor.getBoundingClientRect();
        clip = {
          left: Math.max(clip.left, box.left),
          top: Math.max(clip.top, box.top),
          right: Math.min(clip.right, box.right),
          bottom: Math.min(clip.bottom, box.bottom),
        };
      }
      return clip;
    };
    return elements
      .filter((element) => /^(wave-\d+|server-.+)$/.test(element.getAttribute('data-testid') ?? ''))
      .map((element) => {
        const problems: string[] = [];
        const box = element.getBoundingClientRect();
        const clip = clipOf(element);
        if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility !== 'visible') problems.push('not shown');
        if (!inside(box, viewport)) problems.push(`box ${shown(box)} outside the viewport ${shown(viewport)}`);
        if (!inside(box, clip)) problems.push(`box ${shown(box)} cut by an ancestor's overflow at ${shown(clip)}`);
        // Text kept for screen readers only (a 1px box, clipped away) is not meant to be seen: it cannot be cut off.
        const forScreenReaders = (from: PageElement | null): boolean => {
          for (let at = from; at && at !== element.parentElement; at = at.parentElement) {
            const { width, height } = at.getBoundingClientRect();
            if ((width <= 1 && height <= 1) || getComputedStyle(at).clipPath !== 'none') return true;
          }
          return false;
        };
        for (const part of [element, ...Array.from(element.querySelectorAll('*'))]) {
          if (forScreenReaders(part)) continue;
          if (part.clientWidth > 0 && (part.scrollWidth > part.clientWidth + SLACK || part.scrollHeight > part.clientHeight + SLACK)) {
            problems.push(
              `<${part.tagName.toLowerCase()}> "${(part.textContent ?? '').trim()}" overflows its box (${part.scrollWidth}×${part.scrollHeight} in ${part.clientWidth}×${part.clientHeight})`,
            );
          }
        }
        const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = texts.nextNode(); node; node = texts.nextNode()) {
          const text = (node.textContent ?? '').trim();
          if (text === '' || forScreenReaders(node.parentElement)) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const rect of Array.from(range.getClientRects())) {
            if (!inside(rect, box) || !inside(rect, clip))
              problems.push(`text "${text}" at ${shown(rect)} outside ${shown(box)} (visible ${shown(clip)})`);
          }
        }
        return {
          testId: element.getAttribute('data-testid') ?? '',
          text: (element.textContent ?? '').trim(),
          status: element.getAttribute('data-status'),
          problems,
        };
      });
  });

export const serverStatuses = (page: Page): Promise<Array<string | null>> =>
  page.$$eval(`${testId('wave-grid')} [data-testid^="server-"]`, (elements: PageElement[]) =>
    elements.map((element) => element.getAttribute('data-status')),
  );
