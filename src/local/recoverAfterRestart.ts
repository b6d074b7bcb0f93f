import { catchUpView } from '../operations/catchUpView';
import { isStarted, isTerminal } from '../domain/execution';
import type { OperationDeps } from '../operations/deps';
import { LedgerIntegrityError } from '../ports/ledgerErrors';
import { handleCommand } from '../operations/handleCommand';
import { releaseDeadPlanClaims, resumeDeadWaveStart } from './repairDeadClaims';

export interface RecoveryReport {
  executions: number;
  viewsCaughtUp: number;
  stateMachinesRestarted: number;
  /** Wave starts the dead process had claimed, adopted from DRS or started now. */
  waveStartsResumed: number;
  /** Plan slots held by starts of the dead process that never recorded their execution. */
  planClaimsReleased: number;
  /** Executions whose ledger a load could not trust (a tamper alarm was raised): left as they are. */
  untrusted: string[];
}

/**
 * What a restarted local stack does before serving. On AWS the stream outlives a crashed consumer and
 * state machines outlive a crashed function; here both lived in the dead process. So views behind the
 * ledger are caught up from it, and every RUNNING or PAUSED execution gets its state machine again
 * (the run the ledger attached, under the same name, so the same ARN: the ledger's record of it stays true).
 */
export const recoverAfterRestart = async (deps: OperationDeps): Promise<RecoveryReport> => {
  const restartedAt = deps.now();
  const report: RecoveryReport = {
    executions: 0,
    viewsCaughtUp: 0,
    stateMachinesRestarted: 0,
    waveStartsResumed: 0,
    planClaimsReleased: 0,
    untrusted: [],
  };
  const workflow = await deps.workflow();
  let nextToken: string | undefined;
  do {
    const page = await deps.store.listExecutions(100, nextToken);
    for (const { executionId, planId } of page.executions) {
      report.executions += 1;
      try {
        await recoverOne(executionId, planId);
      } catch (error) {
        // One ledger that cannot be trusted (a tamper alarm is raised for it) must not keep the others down.
        if (!(error instanceof LedgerIntegrityError)) throw error;
        report.untrusted.push(executionId);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  report.planClaimsReleased = await releaseDeadPlanClaims(deps, restartedAt);
  return report;

  async function recoverOne(executionId: string, planId: string): Promise<void> {
    const [stored, head] = await Promise.all([deps.views.read(executionId), deps.store.head(executionId)]);
    // No view, one behind, or one whose parts disagree (the process died while writing it): refold and write.
    if (head && (!stored?.view || stored.view.seq < head.seq)) {
      const caughtUp = await catchUpView(deps.store, executionId, stored?.view);
      if (caughtUp && (await deps.views.put(caughtUp, stored))) report.viewsCaughtUp += 1;
    }
    let loaded = await deps.store.load(executionId);
    const resumed = await resumeDeadWaveStart(deps, loaded, restartedAt);
    if (resumed) {
      report.waveStartsResumed += 1;
      loaded = resumed;
    }
    const { state } = loaded;
    if (!workflow || !isStarted(state) || isTerminal(state)) return;
    // The run the ledger names (its state machine may have continued as new) comes back under its own name.
    const generation = state.stateMachineGeneration ?? 0;
    const { executionArn } = await workflow.start(executionId, { executionId, planId, ...(generation > 0 ? { generation } : {}) });
    report.stateMachinesRestarted += 1;
    await handleCommand(deps, loaded, (current) =>
      isStarted(current) && !isTerminal(current) ? { type: 'AttachStateMachine', executionArn, generation, at: deps.now() } : undefined,
    );
  }
};
