import MarkdownIt from 'markdown-it';

const renderer = new MarkdownIt({ html: true, linkify: true });

/**
 * A Markdown document's text as a reader of the rendered page sees it (markdown-it's tokens: text, code spans,
 * one block a line), without the escapes the source needs: what report tests look for a name or a reason in.
 */
export const markdownSeen = (markdown: string): string =>
  renderer
    .parse(markdown, {})
    .filter((token) => token.type === 'inline')
    .map((token) => (token.children ?? []).map((child) => child.content).join(''))
    .join('\n');
