import { button, el, replaceChildren, setAttributes, setText } from '../../dom';
import { errorText, postJson } from '../../http';
import type { ConsoleContext } from '../../page';
import { actionBody, missingComment, offersFor, type Offer } from '../../view/actions';
import { renderFailurePanel } from './failurePanel';
import { countdownText, formatDuration, parsedTime, utcText } from '../../view/time';
import type { ActionAnswer, ExecutionDetails, OperatorVerb } from '../../wire';

const DONE: Record<OperatorVerb, string> = {
  pause: 'Pause requested: the execution pauses before its next wave',
  resume: 'Resumed',
  approve: 'Approved',
  decline: 'Declined',
  cancel: 'Cancel requested',
  retry: "Retry started: the wave's failed servers are relaunched",
  skip: 'Wave skipped (recorded as a deviation)',
};

const answerText = (verb: OperatorVerb, answer: ActionAnswer, who: string): string =>
  answer.statusCode < 300
    ? `✔ ${DONE[verb]} as ${who} (${answer.statusCode})`
    : `✗ ${verb} refused: ${answer.statusCode}${answer.error ? ` ${answer.error}` : ''}${answer.message ? `: ${answer.message}` : ''}`;

/** A button with the note that says why it is disabled, or what it will meet; both follow the chosen user. */
interface OfferedButton {
  button: HTMLButtonElement;
  note: HTMLElement;
  show(offer: Offer, busy: boolean): void;
}

const offered = (label: string, testId: string, className: string, onPress: () => void): OfferedButton => {
  const noteId = `${testId}-note`;
  const note = el('p', { class: 'note', id: noteId, 'data-testid': noteId, hidden: true });
  const element = button(label, { 'data-testid': testId, class: className, 'aria-describedby': noteId }, onPress);
  return {
    button: element,
    note,
    show: (offer, busy) => {
      // Busy (an action under way) is only marked: a disabled button would drop the keyboard's focus.
      element.disabled = !offer.enabled;
      setAttributes(element, { 'aria-busy': busy && 'true' });
      setText(note, offer.note ?? '');
      setAttributes(note, { hidden: offer.note === undefined });
    },
  };
};

/** Lines of text as paragraphs or list items, each kept and only its text changed (the countdown ticks every second). */
const setLines = (container: HTMLElement, tag: 'p' | 'li', lines: readonly string[]): void => {
  while (container.children.length > lines.length) container.lastElementChild?.remove();
  while (container.children.length < lines.length) container.append(el(tag));
  lines.forEach((line, index) => {
    const child = container.children[index];
    if (child) setText(child, line);
  });
};

/** The pause panel's lines: where it waits, and the approval it waits for with its countdown. */
const pauseLines = (details: ExecutionDetails, nowMs: number): string[] => {
  const next = details.waveStatuses.find((wave) => wave.waveNumber === details.nextWave);
  const pausedAt = parsedTime(details.pausedAt);
  const lines = [
    `Paused before wave ${details.nextWave ?? '?'}${next ? ` · ${next.waveName}` : ''}` +
      (pausedAt === undefined ? '' : ` · for ${formatDuration(nowMs - pausedAt)}`),
  ];
  const pending = details.pendingApproval;
  if (!pending) return [...lines, 'Waits for an operator to resume it.'];
  const then = pending.onTimeout === 'CANCEL' ? 'then the execution is cancelled' : 'then the wave starts unapproved';
  lines.push(
    `Awaiting approval of wave ${pending.waveNumber}`,
    pending.deadline === undefined
      ? 'No deadline: it waits until someone decides.'
      : `Deadline ${countdownText(pending.deadline, nowMs)} (${utcText(pending.deadline)}), ${then}.`,
  );
  if (pending.excludeStarter) {
    lines.push(`Whoever started it (${details.initiatedByPrincipal ?? `${details.initiatedBy}, unverified`}) may not approve it.`);
  }
  return lines;
};

/**
 * The operator's side of the execution page: the pause panel while it is paused (approval, countdown, comment,
 * ticket, approve, decline, resume), pause while it runs, cancel with a reason (asked twice) until it ends, and
 * what each action answered. Elements are kept across polls, so that a comment being typed stays.
 */
export const renderControls = (
  context: ConsoleContext,
  executionId: string,
  acted: () => void,
): { element: HTMLElement; update(details: ExecutionDetails | undefined, nowMs: number): void; dispose(): void } => {
  const result = el('p', { 'data-testid': 'action-result', role: 'status', class: 'result', tabindex: -1 });
  let busy = false;
  let latest: ExecutionDetails | undefined;
  let lastNow = Date.now();

  /** Sends an action about the execution as the page shows it (`latest`): a resume names the wave it waits before. */
  const send = async (verb: OperatorVerb, words: { comment?: string; ticket?: string; reason?: string } = {}): Promise<boolean> => {
    if (busy) return false;
    busy = true;
    refresh();
    const who = context.session.user?.name ?? 'direct invoke (unverified)';
    setText(result, `${verb}: sending as ${who}…`);
    try {
      const answer = await postJson(
        `/api/executions/${encodeURIComponent(executionId)}/${verb}`,
        actionBody(verb, latest, context.session.user, words),
      );
      setText(result, answerText(verb, answer, who));
      return answer.statusCode < 300;
    } catch (error) {
      setText(result, `✗ ${verb} not sent: ${errorText(error)}`);
      return false;
    } finally {
      busy = false;
      refresh();
      acted();
    }
  };

  // The pause panel's form.
  const comment = el('textarea', { id: 'approval-comment', 'data-testid': 'comment', rows: 3, maxlength: 2048 });
  const ticket = el('input', { id: 'approval-ticket', 'data-testid': 'ticket', type: 'text', maxlength: 128, autocomplete: 'off' });
  const decide = async (verb: 'approve' | 'decline' | 'resume'): Promise<void> => {
    const missing = missingComment(verb, comment.value);
    if (missing !== undefined) {
      setText(result, `✗ ${missing}.`);
      comment.focus();
      return;
    }
    if (await send(verb, { comment: comment.value, ticket: ticket.value })) {
      comment.value = '';
      ticket.value = '';
    }
  };
  const approve = offered('Approve', 'approve', 'primary', () => void decide('approve'));
  const decline = offered('Decline', 'decline', 'danger', () => void decide('decline'));
  const resume = offered('Resume', 'resume', '', () => void decide('resume'));
  // Decline's note says what approve's says, which is on screen already: it is there for a screen reader alone.
  decline.note.classList.add('visually-hidden');
  const pauseInfo = el('div', { class: 'pause-info' });
  const approvers = el('ul', { class: 'plain approvers', 'aria-label': 'Approvers' });
  const pausePanel = el(
    'section',
    { class: 'pause-panel', 'data-testid': 'pause-panel', 'aria-labelledby': 'pause-heading' },
    el('h2', { id: 'pause-heading' }, '‖ Paused'),
    pauseInfo,
    approvers,
    el('label', { for: 'approval-comment' }, 'Comment (required to approve or decline)'),
    comment,
    el('label', { for: 'approval-ticket' }, 'Change ticket (optional)'),
    ticket,
    el('div', { class: 'buttons' }, approve.button, decline.button, resume.button),
    approve.note,
    decline.note,
    resume.note,
  );
  let panelFor: number | undefined;

  const pause = offered('Pause before the next wave', 'pause', '', () => void send('pause'));
  const pauseBlock = el('div', { class: 'pause-block' }, pause.button, pause.note);

  // Cancel: a reason, then a second press to confirm.
  const reason = el('input', { id: 'cancel-reason', 'data-testid': 'cancel-reason', type: 'text', maxlength: 1024, autocomplete: 'off' });
  const confirmBox = el('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm cancel', hidden: true });
  const cancel = offered('Cancel execution…', 'cancel', 'danger', () => {
    setAttributes(confirmBox, { hidden: false });
    confirmYes.focus();
  });
  const confirmYes = button('Yes, cancel it', { 'data-testid': 'cancel-confirm', class: 'danger' }, () => {
    setAttributes(confirmBox, { hidden: true });
    void send('cancel', { reason: reason.value }).then((ok) => {
      if (ok) reason.value = '';
    });
    // The pressed button is hidden: the focus goes to the answer (shown from the moment it is sent).
    result.focus({ preventScroll: true });
  });
  const confirmNo = button('No, keep it going', { 'data-testid': 'cancel-abort' }, () => {
    setAttributes(confirmBox, { hidden: true });
    cancel.button.focus();
  });
  replaceChildren(confirmBox, el('p', {}, 'Cancel this execution? Waves not yet started will not start.'), confirmYes, confirmNo);
  const cancelBlock = el(
    'section',
    { class: 'cancel-block', 'aria-label': 'Cancel' },
    el('label', { for: 'cancel-reason' }, 'Reason for cancelling'),
    reason,
    cancel.button,
    cancel.note,
    confirmBox,
  );

  const failure = renderFailurePanel(send);

  const slots = el('div', { class: 'slots' });
  const element = el(
    'aside',
    { class: 'controls', 'aria-label': 'Operator actions' },
    el('h2', { class: 'visually-hidden' }, 'Operator actions'),
    slots,
    result,
  );

  /** Puts in the slots what the state offers; an element already there stays (and keeps its input and focus). */
  const place = (wanted: HTMLElement[]): void => {
    let focusLost = false;
    for (const child of Array.from(slots.children)) {
      if (wanted.includes(child as HTMLElement)) continue;
      focusLost ||= child.contains(document.activeElement);
      child.remove();
    }
    // The panel that held the focus is gone (approved, say): the focus goes to what the action answered.
    if (focusLost) result.focus({ preventScroll: true });
    let previous: Element | null = null;
    for (const node of wanted) {
      const expected: Element | null = previous ? previous.nextElementSibling : slots.firstElementChild;
      if (expected !== node) slots.insertBefore(node, expected);
      previous = node;
    }
  };

  function refresh(): void {
    const details = latest;
    if (!details) {
      place([]);
      return;
    }
    const offers = offersFor(details, context.session.user);
    if (details.status === 'PAUSED') {
      // A new pause (another wave) is a new decision: the panel's form starts empty.
      if (panelFor !== details.nextWave) {
        comment.value = '';
        ticket.value = '';
        panelFor = details.nextWave;
      }
      const pending = details.pendingApproval;
      setLines(pauseInfo, 'p', pauseLines(details, lastNow));
      setLines(approvers, 'li', pending ? pending.approvers.map((pattern) => `Approver: ${pattern}`) : []);
      setAttributes(approvers, { hidden: !pending });
    } else {
      panelFor = undefined;
    }
    approve.show(offers.approve, busy);
    decline.show(offers.decline, busy);
    setAttributes(approve.button, { hidden: !offers.approve.shown });
    setAttributes(decline.button, { hidden: !offers.decline.shown });
    resume.show(offers.resume, busy);
    pause.show(offers.pause, busy);
    cancel.show(offers.cancel, busy);
    failure.update(details, offers, busy);
    if (!offers.cancel.shown) setAttributes(confirmBox, { hidden: true });
    const failedWave = offers.retry.shown || offers.skip.shown;
    place([
      ...(details.status === 'PAUSED' && !failedWave ? [pausePanel] : []),
      ...(failedWave ? [failure.element] : []),
      ...(offers.pause.shown ? [pauseBlock] : []),
      ...(offers.cancel.shown ? [cancelBlock] : []),
    ]);
  }
  const unsubscribe = context.session.onChange(refresh);

  return {
    element,
    update: (details, nowMs) => {
      latest = details;
      lastNow = nowMs;
      refresh();
    },
    dispose: unsubscribe,
  };
};
