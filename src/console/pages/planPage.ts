import { button, el, replaceChildren, setAttributes, setText } from '../dom';
import { errorText, getJson, postJson } from '../http';
import type { ConsoleContext, Page } from '../page';
import { hrefOf } from '../router';
import { approvalRuleText, planSize, targetText } from '../view/labels';
import { holds } from '../view/users';
import type { ActionAnswer, ExecutionType, Plan, PlansAnswer, PlanWave } from '../wire';
import { connectionNotice, headRow, PLANS_POLL_MS, poll } from './common';

const approvalCell = (wave: PlanWave): HTMLElement => {
  if (!wave.approval) return el('td', {}, 'none');
  return el(
    'td',
    {},
    el('ul', { class: 'plain' }, ...wave.approval.approvers.map((pattern) => el('li', {}, el('code', {}, pattern)))),
    el('div', {}, approvalRuleText(wave.approval)),
  );
};

const waveRow = (wave: PlanWave, index: number): HTMLTableRowElement =>
  el(
    'tr',
    {},
    el('td', {}, String(index + 1)),
    el('th', { scope: 'row' }, wave.waveName),
    el(
      'td',
      {},
      el(
        'details',
        {},
        el('summary', {}, `${wave.sourceServerIds.length} server${wave.sourceServerIds.length === 1 ? '' : 's'}`),
        el('ul', { class: 'servers' }, ...wave.sourceServerIds.map((id) => el('li', {}, el('code', {}, id)))),
      ),
    ),
    el('td', {}, wave.pauseBeforeWave === true || wave.approval ? '‖ yes' : 'no'),
    approvalCell(wave),
  );

const planDetails = (plan: Plan): HTMLElement[] => [
  el(
    'dl',
    { class: 'facts' },
    el('dt', {}, 'Plan ID'),
    el('dd', {}, el('code', {}, plan.planId)),
    el('dt', {}, 'Size'),
    el('dd', {}, planSize(plan.waves)),
    el('dt', {}, 'Target'),
    el('dd', {}, targetText(plan.target)),
    el('dt', {}, 'RTO target'),
    el('dd', {}, plan.rtoTargetMinutes === undefined ? 'none' : `${plan.rtoTargetMinutes} minutes`),
  ),
  el(
    'table',
    { 'data-testid': 'plan-waves' },
    el('caption', {}, 'Waves, in the order they run'),
    headRow('#', 'Wave', 'Servers', 'Pause before', 'Approval'),
    el('tbody', {}, ...plan.waves.map(waveRow)),
  ),
];

const answerText = (answer: ActionAnswer): string =>
  `✗ ${answer.statusCode}${answer.error ? ` ${answer.error}` : ''}: ${answer.message ?? 'the start was refused'}`;

/** #/plans/{id}: the plan's waves, servers, target and approval rules, and its start buttons. */
export const renderPlanPage = (context: ConsoleContext, planId: string): Page => {
  const heading = el('h1', {}, planId);
  const notice = connectionNotice();
  const body = el('div', {}, el('p', {}, 'Loading the plan…'));
  const result = el('p', { 'data-testid': 'action-result', role: 'status', class: 'result' });
  const recoveryNote = el('p', { class: 'note', id: 'recovery-note' });
  const confirm = el('div', { class: 'confirm', hidden: true });
  let starting = false;

  const start = async (type: ExecutionType): Promise<void> => {
    if (starting) return;
    starting = true;
    refreshButtons();
    setText(result, `Starting a ${type.toLowerCase()}…`);
    try {
      const answer = await postJson(`/api/plans/${encodeURIComponent(planId)}/start`, { ...context.session.asField(), type });
      if (answer.statusCode < 300 && answer.executionId) {
        context.navigate(hrefOf({ page: 'execution', executionId: answer.executionId }));
        return;
      }
      replaceChildren(
        result,
        answerText(answer),
        answer.activeExecutionId
          ? el(
              'span',
              {},
              ' ',
              el('a', { href: hrefOf({ page: 'execution', executionId: answer.activeExecutionId }) }, 'Open the active execution'),
            )
          : null,
      );
    } catch (error) {
      setText(result, `✗ ${errorText(error)}`);
    } finally {
      starting = false;
      refreshButtons();
    }
  };

  const drill = button('Start drill', { 'data-testid': 'start-drill', class: 'primary' }, () => void start('DRILL'));
  const recovery = button('Start recovery…', { 'data-testid': 'start-recovery', 'aria-describedby': 'recovery-note' }, () => {
    setAttributes(confirm, { hidden: false });
    confirmButton.focus();
  });
  const confirmButton = button(
    'Confirm: start a recovery (a real failover)',
    { 'data-testid': 'confirm-recovery', class: 'danger' },
    () => {
      setAttributes(confirm, { hidden: true });
      void start('RECOVERY');
    },
  );
  const abort = button('Do not start', { 'data-testid': 'abort-recovery' }, () => {
    setAttributes(confirm, { hidden: true });
    recovery.focus();
  });
  replaceChildren(
    confirm,
    el('p', {}, 'A recovery launches the servers for real and is recorded as a recovery, not a drill.'),
    confirmButton,
    abort,
  );

  function refreshButtons(): void {
    const user = context.session.user;
    const mayRecover = holds(user, 'recovery');
    drill.disabled = starting || !holds(user, 'drill');
    recovery.disabled = starting || !mayRecover;
    if (!mayRecover) setAttributes(confirm, { hidden: true });
    setText(
      recoveryNote,
      user === undefined
        ? 'No local users: the start goes by direct invocation, recorded as unverified.'
        : user.rightsDecidedBy === 'IAM'
          ? `IAM decides whether ${user.name} may start a recovery: a refusal comes back as the API's 403.`
          : mayRecover
            ? `${user.name} holds the recovery right.`
            : `A recovery needs the recovery right, which ${user.name} lacks.`,
    );
  }
  refreshButtons();
  const unsubscribe = context.session.onChange(refreshButtons);

  let shown = '';
  const poller = poll({
    interval: () => PLANS_POLL_MS,
    run: async () => {
      try {
        const { plans } = await getJson<PlansAnswer>('/api/plans');
        notice.ok();
        const plan = plans.find((candidate) => candidate.planId === planId);
        const text = JSON.stringify(plan ?? null);
        if (text === shown) return;
        shown = text;
        if (!plan) {
          setText(heading, `No plan ${planId}`);
          replaceChildren(body, el('p', {}, 'No plan of this ID is loaded. ', el('a', { href: hrefOf({ page: 'plans' }) }, 'All plans')));
          return;
        }
        setText(heading, plan.planName);
        // The plan changed (loaded again): drawn anew, each wave's server list left open as the reader left it.
        const open = Array.from(body.querySelectorAll('details'), (details) => details.open);
        replaceChildren(body, ...planDetails(plan));
        body.querySelectorAll('details').forEach((details, index) => {
          details.open = open[index] ?? false;
        });
      } catch (error) {
        notice.failed(error);
      }
    },
  });

  return {
    element: el(
      'section',
      { class: 'plan' },
      heading,
      notice.element,
      el('div', { class: 'start', role: 'group', 'aria-label': 'Start' }, drill, recovery, recoveryNote, confirm, result),
      body,
    ),
    title: `Plan ${planId}`,
    dispose: () => {
      poller.stop();
      unsubscribe();
    },
  };
};
