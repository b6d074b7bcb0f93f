import { el } from '../dom';
import type { Page } from '../page';

export const renderNotFound = (hash: string): Page => ({
  element: el(
    'section',
    {},
    el('h1', {}, 'No such page'),
    el(
      'p',
      {},
      `The console has no page at ${hash}. `,
      el('a', { href: '#/plans' }, 'Plans'),
      ' · ',
      el('a', { href: '#/executions' }, 'Executions'),
    ),
  ),
  title: 'No such page',
  dispose: () => undefined,
});
