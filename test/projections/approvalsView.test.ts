/**
 * What the execution view shows of identity and approvals: who started and who asked, verified or not; the approval
 * a pause waits for (who may approve, until when); what became of each approval, refused attempts included, within
 * the bounds the view's header item keeps.
 */
import fc from 'fast-check';
import { APPROVAL_VIEW_BYTES, MAX_OUTCOMES_IN_VIEW, MAX_REFUSALS_IN_VIEW } from '../../projections/approvalView';
import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, projectExecutionView, replayView } from '../../projections/projectExecutionView';
import {
  type ApprovalRefused,
  type ApprovalTimedOut,
  type ExecutionEvent,
  type ExecutionState,
  type ResumeTokenAttached,
  SCHEMA_VERSION,
} from '../../src/domain/execution';
import type { ApprovalRule, RecoveryPlan } from '../../src/domain/plan';
import { utf8Length } from '../../src/domain/text';
import { APPROVER, approvalHistorySpecArb, at, History, OPERATOR, playHistory, STARTER, STRANGER, twoWavePlan } from './support/histories';

const RULE: ApprovalRule = { approvers: ['arn:aws:iam::123456789012:user/*'], timeoutMinutes: 30 };
const planWithApproval = (rule: ApprovalRule = RULE): RecoveryPlan => {
  const plan = twoWavePlan();
  const [first, second] = plan.waves;
  if (!first || !second) throw new Error('two waves expected');
  // The second wave requires approval, and says nothing of pausing: the rule alone makes the pause.
  const { pauseBeforeWave: _plain, ...approvedWave } = second;
  return { ...plan, waves: [first, { ...approvedWave, approval: rule }] };
};

const ALICE = { principal: STARTER, claim: 'Alice Martin' };
const BOB = { principal: APPROVER, claim: 'Bob' };

/** Started by alice through the operator API; wave 1 done; paused before wave 2, which waits for approval. */
const awaitingApproval = (rule?: ApprovalRule) =>
  new History('exec-approval', planWithApproval(rule)).start(0, { identity: ALICE }).waveStarted(1, 60).waveLaunched(1, 300);

const viewOf = (history: History): ExecutionView => {
  const view = replayView(history.events);
  if (!view) throw new Error('no view');
  return view;
};

/** A refused attempt written by hand, as a ledger of many pauses would hold it (the decider records 10 a pause). */
const refusedAttempt = (seq: number): ApprovalRefused => ({
  executionId: 'exec-approval',
  planId: 'rp-two-waves',
  seq,
  occurredAt: at(400 + seq),
  actor: STRANGER,
  schemaVersion: SCHEMA_VERSION,
  type: 'ApprovalRefused',
  data: {
    waveNumber: 2,
    action: 'APPROVE',
    attemptedBy: STRANGER,
    identity: { principal: STRANGER },
    reason: `${STRANGER} is not among wave 2's approvers`,
  },
});

describe('the execution view of identities and approvals', () => {
  describe('who started it', () => {
    it('a start the operator API verified names its principal, and the name the caller gave as a claim', () => {
      const view = viewOf(new History('exec-verified', twoWavePlan()).start(0, { initiatedBy: 'Alice Martin', identity: ALICE }));
      expect(view).toMatchObject({ initiatedBy: 'Alice Martin', initiatedByPrincipal: STARTER, initiatedByClaim: 'Alice Martin' });
    });

    it('a direct invocation names no principal: initiatedBy is only what the caller typed', () => {
      const view = viewOf(new History('exec-direct', twoWavePlan()).start(0, { initiatedBy: 'alice@example.com' }));
      expect(view.initiatedBy).toBe('alice@example.com');
      expect(view).not.toHaveProperty('initiatedByPrincipal');
      expect(view).not.toHaveProperty('initiatedByClaim');
    });

    it('a verified pause request and cancel name their principal; unverified ones name none', () => {
      const running = () => new History('exec-ops', twoWavePlan()).start(0).waveStarted(1, 60);
      const verified = running()
        .run({ type: 'RequestPause', requestedBy: 'Bob', identity: BOB, at: at(90) })
        .run({ type: 'RequestCancel', requestedBy: 'Bob', identity: BOB, reason: 'window closed', at: at(95) });
      expect(viewOf(verified)).toMatchObject({
        pauseRequested: { by: APPROVER, principal: APPROVER, claim: 'Bob', at: at(90) },
        cancelRequested: { by: APPROVER, principal: APPROVER, claim: 'Bob', at: at(95), reason: 'window closed' },
      });
      const unverified = viewOf(running().run({ type: 'RequestPause', requestedBy: OPERATOR, at: at(90) }));
      expect(unverified.pauseRequested).toStrictEqual({ by: OPERATOR, at: at(90) });
    });
  });

  describe('a pause before a wave that requires approval', () => {
    it('marks the wave, and says who may approve it, whether the starter may, until when and what happens then', () => {
      const view = viewOf(awaitingApproval());
      expect(view.waveStatuses[1]).toMatchObject({ waveNumber: 2, pauseBeforeWave: true, requiresApproval: true });
      expect(view.waveStatuses[0]).not.toHaveProperty('requiresApproval');
      expect(view).toMatchObject({ status: 'PAUSED', nextWave: 2, pausedAt: at(300) });
      expect(view.pendingApproval).toStrictEqual({
        waveNumber: 2,
        approvers: RULE.approvers,
        excludeStarter: true,
        deadline: at(300 + 30 * 60),
        onTimeout: 'CANCEL',
      });
    });

    it('without a timeout has no deadline; a rule may admit the starter, and continue on timeout', () => {
      const open = viewOf(awaitingApproval({ approvers: RULE.approvers, excludeStarter: false }));
      expect(open.pendingApproval).toStrictEqual({ waveNumber: 2, approvers: RULE.approvers, excludeStarter: false, onTimeout: 'CANCEL' });
      const continuing = viewOf(awaitingApproval({ ...RULE, onTimeout: 'CONTINUE' }));
      expect(continuing.pendingApproval).toMatchObject({ deadline: at(300 + 30 * 60), onTimeout: 'CONTINUE' });
    });

    it("records the starter's own attempt and an unverified one as refused, and still waits", () => {
      const history = awaitingApproval()
        .run({ type: 'Resume', resumedBy: 'Alice Martin', identity: ALICE, comment: 'mine', at: at(400) })
        .run({ type: 'Resume', resumedBy: 'bob@example.com', comment: 'trust me', at: at(410) });
      const view = viewOf(history);
      expect(view.status).toBe('PAUSED');
      expect(view.pendingApproval).toBeDefined();
      expect(view.approvals).toStrictEqual([
        {
          outcome: 'REFUSED',
          waveNumber: 2,
          at: at(400),
          action: 'APPROVE',
          attemptedBy: STARTER,
          principal: STARTER,
          claim: 'Alice Martin',
          reason: expect.stringContaining('separation of duties') as unknown as string,
        },
        {
          outcome: 'REFUSED',
          waveNumber: 2,
          at: at(410),
          action: 'APPROVE',
          attemptedBy: 'bob@example.com',
          reason: expect.stringContaining('only a principal verified by the operator API') as unknown as string,
        },
      ]);
    });

    it('an approval is listed with its principal, claim, comment and ticket; the wait is over and the wave starts', () => {
      const history = awaitingApproval().run({
        type: 'Resume',
        resumedBy: 'Bob',
        identity: BOB,
        comment: 'databases verified',
        ticket: 'CHG0012345',
        at: at(500),
      });
      const view = viewOf(history);
      expect(view.status).toBe('RUNNING');
      expect(view).not.toHaveProperty('pendingApproval');
      expect(view.approvals).toStrictEqual([
        {
          outcome: 'GRANTED',
          waveNumber: 2,
          at: at(500),
          principal: APPROVER,
          claim: 'Bob',
          comment: 'databases verified',
          ticket: 'CHG0012345',
        },
      ]);
    });

    it('a decline is listed, and the cancel it brings names the verified approver', () => {
      const history = awaitingApproval().run({
        type: 'Decline',
        requestedBy: 'Bob',
        identity: BOB,
        comment: 'not in this window',
        at: at(500),
      });
      const view = viewOf(history);
      expect(view.status).toBe('CANCELLED');
      expect(view).not.toHaveProperty('pendingApproval');
      expect(view.approvals).toStrictEqual([
        { outcome: 'DECLINED', waveNumber: 2, at: at(500), principal: APPROVER, claim: 'Bob', comment: 'not in this window' },
      ]);
      expect(view.cancelRequested).toMatchObject({ by: APPROVER, principal: APPROVER, claim: 'Bob' });
    });

    it.each([
      ['CANCEL', 'CANCELLED'],
      ['CONTINUE', 'RUNNING'],
    ] as const)('a timeout with onTimeout %s is listed with its deadline, and the execution is %s', (onTimeout, status) => {
      const deadline = at(300 + 30 * 60);
      const history = awaitingApproval({ ...RULE, onTimeout }).run({ type: 'ExpireApproval', at: at(300 + 43 * 60) });
      const view = viewOf(history);
      expect(view.status).toBe(status);
      expect(view).not.toHaveProperty('pendingApproval');
      expect(view.approvals).toStrictEqual([{ outcome: 'TIMED_OUT', waveNumber: 2, at: at(300 + 43 * 60), deadline, action: onTimeout }]);
    });
  });

  describe('stays within its bounds', () => {
    it('lists the first refused attempts and counts the rest', () => {
      const paused = awaitingApproval().events;
      const extra = 7;
      const refusals = Array.from({ length: MAX_REFUSALS_IN_VIEW + extra }, (_, index) => refusedAttempt(paused.length + 1 + index));
      const view = replayView([...paused, ...refusals]);
      expect(view?.approvals?.filter((entry) => entry.outcome === 'REFUSED')).toHaveLength(MAX_REFUSALS_IN_VIEW);
      expect(view?.approvals?.[0]).toMatchObject({ at: refusals[0]?.occurredAt });
      expect(view?.approvalRefusalsNotShown).toBe(extra);
      // A decision after them is still listed: only refusals are capped.
      const granted = awaitingApproval()
        .run({ type: 'Resume', resumedBy: 'Bob', identity: BOB, comment: 'ok', at: at(900) })
        .events.slice(-3);
      const resumed = [
        ...paused,
        ...refusals,
        ...granted.map((event, index) => ({ ...event, seq: paused.length + refusals.length + 1 + index })),
      ];
      expect(replayView(resumed)?.approvals?.at(-1)).toMatchObject({ outcome: 'GRANTED', principal: APPROVER });
    });

    it('lists at most one outcome per wave of the largest plan and counts the rest', () => {
      const paused = awaitingApproval().events;
      const extra = 3;
      const outcomes = Array.from({ length: MAX_OUTCOMES_IN_VIEW + extra }, (_, index): ApprovalTimedOut => ({
        ...refusedAttempt(paused.length + 1 + index),
        actor: 'system',
        type: 'ApprovalTimedOut',
        data: { waveNumber: 2, deadline: at(300), action: 'CONTINUE' },
      }));
      const view = replayView([...paused, ...outcomes]);
      expect(view?.approvals?.filter((entry) => entry.outcome !== 'REFUSED')).toHaveLength(MAX_OUTCOMES_IN_VIEW);
      expect(view?.approvalsNotShown).toBe(extra);
    });

    it("cuts a long comment, ticket and claim to the view's bounds and marks them cut; the principal stays whole", () => {
      const long = 'ü'.repeat(1000);
      const history = awaitingApproval().run({
        type: 'Resume',
        resumedBy: 'Bob',
        identity: { principal: APPROVER, claim: long },
        comment: long,
        ticket: long,
        at: at(500),
      });
      const [granted] = viewOf(history).approvals ?? [];
      if (granted?.outcome !== 'GRANTED') throw new Error('expected the approval');
      expect(granted.principal).toBe(APPROVER);
      expect(utf8Length(granted.comment)).toBeLessThanOrEqual(APPROVAL_VIEW_BYTES.comment);
      expect(utf8Length(granted.ticket ?? '')).toBeLessThanOrEqual(APPROVAL_VIEW_BYTES.ticket);
      expect(utf8Length(granted.claim ?? '')).toBeLessThanOrEqual(APPROVAL_VIEW_BYTES.claim);
      for (const text of [granted.comment, granted.ticket, granted.claim]) expect(text).toMatch(/^ü+…$/u);
    });

    it("never shows a resume token's hash: its record changes nothing but the seq and time", () => {
      const history = awaitingApproval();
      const before = viewOf(history);
      const attached: ResumeTokenAttached = {
        executionId: 'exec-approval',
        planId: 'rp-two-waves',
        seq: history.events.length + 1,
        occurredAt: at(310),
        actor: 'system',
        schemaVersion: SCHEMA_VERSION,
        type: 'ResumeTokenAttached',
        data: { pauseSeq: history.events.length, tokenSha256: 'f'.repeat(64) },
      };
      const view = projectExecutionView(before, attached);
      expect(view).toStrictEqual({ ...before, seq: attached.seq, lastEventAt: at(310) });
      expect(JSON.stringify(view)).not.toContain('f'.repeat(64));
    });

    it('refuses an approval event naming a wave the plan does not have', () => {
      const paused = awaitingApproval().events;
      const stray = { ...refusedAttempt(paused.length + 1), data: { ...refusedAttempt(0).data, waveNumber: 7 } };
      let thrown: unknown;
      try {
        projectExecutionView(replayView(paused), stray);
      } catch (error) {
        thrown = error;
      }
      expect(isProjectionError(thrown) && thrown.kind).toBe('UnknownWave');
    });
  });

  describe('agrees with the domain', () => {
    const expectAgreement = (view: ExecutionView, state: ExecutionState, events: readonly ExecutionEvent[]) => {
      if (state.status === 'NOT_STARTED') throw new Error('started expected');
      expect(view.status).toBe(state.status);
      expect(view.initiatedByPrincipal).toBe(state.initiatedByPrincipal);
      expect(view.waveStatuses.map((wave) => [wave.pauseBeforeWave, wave.requiresApproval === true])).toEqual(
        state.waves.map((wave) => [wave.pauseBeforeWave, wave.approval !== undefined]),
      );
      if (state.status === 'PAUSED' && state.approval) {
        expect(view.pendingApproval).toStrictEqual({
          waveNumber: state.nextWave,
          approvers: state.approval.approvers,
          excludeStarter: state.approval.excludeStarter !== false,
          ...(state.approval.deadline ? { deadline: state.approval.deadline } : {}),
          onTimeout: state.approval.onTimeout ?? 'CANCEL',
        });
      } else {
        expect(view).not.toHaveProperty('pendingApproval');
      }
      const decided = events.filter((event) => event.type.startsWith('Approval'));
      expect((view.approvals ?? []).map((entry) => [entry.waveNumber, entry.at])).toEqual(
        decided.map((event) => [(event.data as { waveNumber: number }).waveNumber, event.occurredAt]),
      );
    };

    it('after every event of any history with approvals the decider accepts', () => {
      const outcomes = new Set<string>();
      const every = ['DECLINED', 'GRANTED', 'REFUSED', 'TIMED_OUT'];
      // Batches of 300 random histories until every outcome has been met (a timed-out approval is the rarest:
      // one batch missed it now and then), so the agreement covers them all; at most 10 batches.
      for (let batch = 0; batch < 10 && outcomes.size < every.length; batch += 1) {
        fc.assert(
          fc.property(approvalHistorySpecArb('rp-approvals'), (spec) => {
            const { events, states } = playHistory('exec-approvals', spec);
            // Every generated plan is one the validator accepts: each history starts.
            expect(events[0]?.type).toBe('ExecutionStarted');
            let view: ExecutionView | undefined;
            events.forEach((event, index) => {
              view = projectExecutionView(view, event);
              expectAgreement(view, states[index] as ExecutionState, events.slice(0, index + 1));
            });
            for (const entry of view?.approvals ?? []) outcomes.add(entry.outcome);
          }),
          { numRuns: 300 },
        );
      }
      expect([...outcomes].sort()).toEqual(every);
    });
  });
});
