import type { Session } from './session';

/** What every page is given. */
export interface ConsoleContext {
  session: Session;
  /** Goes to another page (a location hash made by hrefOf). */
  navigate(hash: string): void;
}

/** A page on screen: its element, its document title (empty: the product's name alone), and what stops its polling when it is left. */
export interface Page {
  element: HTMLElement;
  title: string;
  dispose(): void;
}
