import { el, replaceChildren, setText } from '../../dom';
import { errorText, getJson } from '../../http';
import type { TimelineAnswer } from '../../wire';

const ACTIVE_CONTENT = 'script, foreignObject, iframe, object, embed, animate, animateMotion, animateTransform, set';

/**
 * The report's own chart (renderGanttSvg), as the server sends it: its texts were escaped when it was drawn. It
 * is parsed apart (a parser's document runs nothing) and anything active is dropped before it joins the page,
 * so that a chart that ever carried more than drawing would still be only a drawing.
 */
export const parseChart = (markup: string): Element | undefined => {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${markup}`, 'text/html');
  const svg = parsed.body.firstElementChild;
  if (!svg || svg.localName !== 'svg' || parsed.body.children.length !== 1) return undefined;
  for (const node of Array.from(svg.querySelectorAll(ACTIVE_CONTENT))) node.remove();
  for (const node of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attribute of Array.from(node.attributes)) {
      if (/^on/i.test(attribute.name) || attribute.name === 'style' || /href$/i.test(attribute.name)) node.removeAttribute(attribute.name);
    }
  }
  return document.importNode(svg, true);
};

/** The timeline section: the chart, replaced when a refresh brings another one; size() is the last one's, in characters. */
export const renderTimeline = (executionId: string): { element: HTMLElement; refresh(): Promise<void>; size(): number } => {
  const chart = el('div', { class: 'chart' }, el('p', {}, 'Loading the timeline…'));
  const status = el('p', { class: 'notice', role: 'status' });
  const element = el(
    'section',
    { class: 'timeline', 'data-testid': 'timeline', 'aria-labelledby': 'timeline-heading' },
    el('h2', { id: 'timeline-heading' }, 'Timeline'),
    status,
    chart,
  );
  let last = '';
  return {
    element,
    size: () => last.length,
    refresh: async () => {
      try {
        const { svg } = await getJson<TimelineAnswer>(`/api/executions/${encodeURIComponent(executionId)}/timeline`);
        setText(status, '');
        if (svg === last) return;
        const drawn = parseChart(svg);
        if (!drawn) {
          setText(status, '✗ The server sent a timeline that is not one SVG chart.');
          return;
        }
        last = svg;
        replaceChildren(chart, drawn);
      } catch (error) {
        setText(status, `✗ Timeline not updated: ${errorText(error)}. Retrying.`);
        throw error;
      }
    },
  };
};
