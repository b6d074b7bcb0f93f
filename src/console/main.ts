import { renderHeader } from './header';
import { el, replaceChildren } from './dom';
import { ApiError, errorText, getJson } from './http';
import type { ConsoleContext, Page } from './page';
import { renderExecutionPage } from './pages/executionPage';
import { renderExecutionsPage } from './pages/executionsPage';
import { renderNotFound } from './pages/notFound';
import { renderPlanPage } from './pages/planPage';
import { renderPlansPage } from './pages/plansPage';
import { parseRoute, type Route } from './router';
import { Session } from './session';
import type { UsersAnswer } from './wire';

const pageOf = (route: Route, context: ConsoleContext): Page => {
  switch (route.page) {
    case 'plans':
      return renderPlansPage(context);
    case 'plan':
      return renderPlanPage(context, route.planId);
    case 'executions':
      return renderExecutionsPage(context);
    case 'execution':
      return renderExecutionPage(context, route.executionId);
    case 'notFound':
      return renderNotFound(route.hash);
  }
};

const sectionOf = (route: Route): 'plans' | 'executions' | undefined =>
  route.page === 'plans' || route.page === 'plan' ? 'plans' : route.page === 'notFound' ? undefined : 'executions';

const start = async (app: HTMLElement): Promise<void> => {
  const { users } = await getJson<UsersAnswer>('/api/users');
  const session = new Session(Array.isArray(users) ? users : []);
  const header = renderHeader(session);
  const main = el('main', { id: 'main', tabindex: -1 });
  replaceChildren(app, header.element, main);

  let page: Page | undefined;
  let shownRoute = '';
  const context: ConsoleContext = {
    session,
    navigate: (hash) => {
      window.location.hash = hash;
    },
  };
  const show = (): void => {
    const route = parseRoute(window.location.hash);
    // The bare console and "#/plans" are one page: following the link to it keeps the page (and its loaded rows)
    // rather than blanking it for a reload.
    const key = JSON.stringify(route);
    if (page !== undefined && key === shownRoute) return;
    shownRoute = key;
    page?.dispose();
    page = pageOf(route, context);
    header.markCurrent(sectionOf(route));
    replaceChildren(main, page.element);
    document.title = page.title === '' ? 'drs-ledger console' : `${page.title} · drs-ledger console`;
    // A new page is announced by its heading: focus moves there, as a page load would move it to the top.
    const heading = page.element.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', show);
  show();
};

const app = document.getElementById('app');
if (app) {
  start(app).catch((error: unknown) => {
    replaceChildren(
      app,
      el(
        'main',
        { id: 'main' },
        el('h1', {}, 'drs-ledger console'),
        el('p', { role: 'alert', class: 'error' }, `The console could not start: ${errorText(error)}`),
        // Not signed in: the error says how; "reload once serve runs" would send the person the wrong way.
        ...(error instanceof ApiError && error.status === 401 ? [] : [el('p', {}, 'Reload the page once `drs-ledger serve` is running.')]),
      ),
    );
  });
}
