import { el, replaceChildren, setText } from '../dom';
import { getJson } from '../http';
import type { ConsoleContext, Page } from '../page';
import { hrefOf } from '../router';
import { planSize, targetText } from '../view/labels';
import type { Plan, PlansAnswer } from '../wire';
import { connectionNotice, headRow, PLANS_POLL_MS, poll } from './common';

const planRow = (plan: Plan): HTMLTableRowElement =>
  el(
    'tr',
    { 'data-plan': plan.planId },
    el('td', {}, el('a', { href: hrefOf({ page: 'plan', planId: plan.planId }) }, plan.planName)),
    el('td', {}, el('code', {}, plan.planId)),
    el('td', {}, planSize(plan.waves)),
    el('td', {}, targetText(plan.target)),
    el('td', {}, plan.rtoTargetMinutes === undefined ? '—' : `${plan.rtoTargetMinutes} min`),
  );

/** #/plans: every loaded plan, each a link to its page. */
export const renderPlansPage = (_context: ConsoleContext): Page => {
  const body = el('tbody');
  const summary = el('p', { class: 'summary' }, 'Loading plans…');
  const notice = connectionNotice();
  const table = el(
    'table',
    { 'data-testid': 'plans' },
    el('caption', {}, 'Recovery plans'),
    headRow('Plan', 'Plan ID', 'Size', 'Target', 'RTO target'),
    body,
  );
  let shown = '';
  const poller = poll({
    interval: () => PLANS_POLL_MS,
    run: async () => {
      try {
        const { plans } = await getJson<PlansAnswer>('/api/plans');
        notice.ok();
        const text = JSON.stringify(plans);
        // Rebuilt only on a change: a keyboard user's focus on a link survives the polls that change nothing.
        if (text === shown) return;
        shown = text;
        replaceChildren(body, ...plans.map(planRow));
        setText(
          summary,
          plans.length === 0
            ? 'No plan is loaded: run `drs-ledger plans load <file>`.'
            : `${plans.length} plan${plans.length === 1 ? '' : 's'}`,
        );
      } catch (error) {
        notice.failed(error);
      }
    },
  });
  return {
    element: el('section', {}, el('h1', {}, 'Plans'), summary, notice.element, table),
    // The console's front page: the window is named after the product alone.
    title: '',
    dispose: () => poller.stop(),
  };
};
