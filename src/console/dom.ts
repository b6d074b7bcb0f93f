/**
 * Building the page. Every text is set as a text node (textContent), never parsed as markup: names, comments
 * and reasons come from plans and the ledger, and whatever they hold is shown as written. Attributes that run
 * code or bypass the stylesheet (on*, style) are refused outright.
 */
export type Attributes = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | number | false | null | undefined;

const FORBIDDEN_ATTRIBUTE = /^(on|style$|srcdoc$)/i;

export const setAttributes = (element: Element, attributes: Attributes): void => {
  for (const [name, value] of Object.entries(attributes)) {
    if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`attribute ${name} is not set by the console`);
    if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
};

export const append = (parent: Node, children: readonly Child[]): void => {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
};

export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
};

/** Replaces an element's text, touching the DOM only on a change (a screen reader hears changes, not redraws). */
export const setText = (node: Node, text: string): void => {
  if (node.textContent !== text) node.textContent = text;
};

export const replaceChildren = (parent: Element, ...children: Child[]): void => {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
};

/** A button that runs `onPress` (a real <button>: Enter, Space and a click all press it). */
export const button = (label: string, attributes: Attributes, onPress: () => void): HTMLButtonElement => {
  const element = el('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', onPress);
  return element;
};

let nextId = 0;
/** An id unique in the page, for a label's `for` and aria-labelledby. */
export const uniqueId = (prefix: string): string => `${prefix}-${(nextId += 1)}`;
