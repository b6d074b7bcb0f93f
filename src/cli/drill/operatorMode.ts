import { excludesStarter, type RecoveryPlan } from '../../domain/plan';
import { UsageError } from '../exitCodes';
import type { Details } from '../render/details';
import type { ProgressPrinter } from '../render/progress';
import { approveCommand, type HintContext, resumeCommand, statusCommand } from './commandHints';
import type { DrillStack } from './drillStack';
import type { Interruption } from './interruption';
import type { DrillActor } from './leftovers';

/**
 * Who resumes a drill's pauses: `simulated`, a stand-in that checks for --resume-after and resumes, recorded as
 * the simulated operator (no person); `manual`, a person, from another shell (invoke resume, or approve --as).
 */
export type OperatorMode = 'simulated' | 'manual';

/**
 * Approvals a drill could never get, refused before it starts anything. A simulated operator has no identity to
 * approve with; and the drill starts through the Lambda endpoint, unverified, so a rule that excludes the starter
 * can never be met (nobody can be shown to be someone else than an unverified starter).
 */
export const refuseUnreachableApprovals = (plan: RecoveryPlan, mode: OperatorMode): void => {
  const waiting = plan.waves.flatMap((wave, index) => (wave.approval ? [index + 1] : []));
  if (waiting.length === 0) return;
  if (mode === 'manual') {
    const excluding = plan.waves.flatMap((wave, index) => (wave.approval && excludesStarter(wave.approval) ? [index + 1] : []));
    if (excluding.length === 0) return;
    throw new UsageError(
      `Plan ${plan.planId} has waves whose approver must not be the starter (wave ${excluding.join(', ')}), but a drill starts unverified, so nobody could approve them. ` +
        'Start it signed instead (drs-ledger serve --users …, then drs-ledger invoke start_execution --plan-id … --type DRILL --as <user>), or set excludeStarter: false for a drill.',
    );
  }
  throw new UsageError(
    `Plan ${plan.planId} has waves that wait for approval (wave ${waiting.join(', ')}): only a verified approver may give one, never the simulated operator. ` +
      'Run it with --operator manual and approve from another shell (drs-ledger invoke approve --execution-id … --as <approver> --comment …).',
  );
};

/** One pause: the wave it waits before, and when it began (a second pause before the same wave is another). */
const pauseKey = (details: Details): string => `${String(details.nextWave)}@${String(details.pausedAt)}`;

export interface PauseHandler {
  /** Called with every look at the execution, paused or not: what it saw before a pause says who asked for it. */
  observe?(details: Details): void;
  /** Called with every look at a PAUSED execution; acts once per pause. */
  onPaused(details: Details): Promise<void>;
}

/** The plan's own pause before this wave: the only kind the simulated operator may end. */
const plannedPauseBefore = (details: Details, wave: number): boolean =>
  details.waveStatuses.some((status) => status.waveNumber === wave && status.pauseBeforeWave === true);

interface Context {
  stack: DrillStack;
  printer: ProgressPrinter;
  hints: HintContext;
  actor: DrillActor;
  interruption: Interruption;
  resumeAfterMs: number;
}

/** How a wave that waits for approval may be approved, and until when. */
const approvalLines = (details: Details, hints: HintContext): string[] => {
  const pending = details.pendingApproval;
  if (!pending) return [];
  return [
    `  approve it: ${approveCommand(hints, details.executionId, pending.waveNumber)}`,
    `  (approvers: ${pending.approvers.join(', ')}${pending.excludeStarter ? '; not the starter' : ''}` +
      (pending.deadline ? `; by ${pending.deadline}, then ${pending.onTimeout.toLowerCase()})` : '; no deadline)'),
  ];
};

/** The wait the display counts down: an approval's deadline, when the pause has one. */
const deadlineWait = (details: Details) =>
  details.pendingApproval?.deadline
    ? {
        until: details.pendingApproval.deadline,
        reason: `the approval times out (then ${details.pendingApproval.onTimeout === 'CONTINUE' ? 'it continues' : 'it is cancelled'})`,
      }
    : undefined;

/** A person resumes or approves from another shell; the drill says how, once per pause, and keeps watching. */
const manual = ({ printer, hints }: Context): PauseHandler => {
  let told: string | undefined;
  return {
    onPaused: async (details) => {
      if (told === pauseKey(details)) return;
      told = pauseKey(details);
      const wave = details.nextWave ?? details.currentWave + 1;
      const lines = details.pendingApproval
        ? [`Paused before wave ${wave}, which waits for approval. From another shell:`, ...approvalLines(details, hints)]
        : [
            `Paused before wave ${wave}: waiting for an operator. From another shell:`,
            `  resume it: ${resumeCommand(hints, details.executionId, details.planId)}`,
          ];
      lines.push(`  watch it:  ${statusCommand(hints, details.executionId)}`);
      for (const line of lines) printer.note(line, { executionId: details.executionId, nextWave: wave });
      printer.waiting(deadlineWait(details));
      return Promise.resolve();
    },
  };
};

/** The simulated operator: checks for --resume-after, then resumes, recorded as simulated. Never approves. */
const simulated = (context: Context): PauseHandler => {
  const handled = new Set<string>();
  const asPerson = manual(context);
  // A person asked for a pause (from another shell) since the last time it ran: that pause is theirs to end.
  let requestedByPerson = false;
  return {
    observe: (details) => {
      if (details.pauseRequested) requestedByPerson = true;
      else if (details.status === 'RUNNING') requestedByPerson = false;
    },
    onPaused: async (details) => {
      const wave = details.nextWave ?? details.currentWave + 1;
      // A followed leftover may wait for approval, and a pause a person asked for is ended by a person: never by
      // the simulated operator, which would otherwise undo it a moment later.
      if (details.pendingApproval || requestedByPerson || !plannedPauseBefore(details, wave)) return asPerson.onPaused(details);
      if (handled.has(pauseKey(details))) return;
      handled.add(pauseKey(details));
      const { printer, stack, interruption, resumeAfterMs, actor } = context;
      printer.note(
        `Paused before wave ${wave}: the simulated operator checks wave ${wave - 1}, then resumes (in ${(resumeAfterMs / 1000).toFixed(1)}s).`,
      );
      printer.waiting({ until: Date.now() + resumeAfterMs, reason: 'the simulated operator resumes' });
      await interruption.sleep(resumeAfterMs);
      printer.waiting(undefined);
      if (interruption.signal) return;
      const resumed = await stack.invoke({
        operation: 'resume',
        executionId: details.executionId,
        planId: details.planId,
        // Checked by nobody: whoever started the drill, the resume is the simulated operator's, and says so.
        requestedBy: actor.name,
        simulatedOperator: true,
      });
      printer.note(
        resumed.statusCode === 200
          ? `${String(resumed.message)} (by the simulated operator)`
          : `resume answered ${resumed.statusCode}: ${String(resumed.message)}`,
      );
    },
  };
};

export const pauseHandler = (mode: OperatorMode, context: Context): PauseHandler =>
  mode === 'manual' ? manual(context) : simulated(context);
