import type { ExecutionCommand, ExecutionState } from '../domain/execution';
import type { OperationDeps } from './deps';
import { type CommandOutcome, handleCommand } from './handleCommand';
import { loadExecution } from './loadExecution';
import { react } from './reactions/react';
import { fromRejection, type OperationResponse } from './responses';

export type CommandRun = { ok: true; state: ExecutionState; outcome: CommandOutcome } | { ok: false; response: OperationResponse };

/**
 * The recipe an operator's request follows: load the execution (404, plan check), decide the command
 * against it, append, carry out what the appended events call for, and hand back the state reached.
 */
export const runCommand = async (
  deps: OperationDeps,
  ref: { executionId: string; planId?: string },
  command: (at: string) => ExecutionCommand,
): Promise<CommandRun> => {
  const found = await loadExecution(deps, ref.executionId, ref.planId);
  if (!found.ok) return found;
  const at = deps.now();
  const outcome = await handleCommand(deps, found.loaded, () => command(at));
  if (!outcome.ok) return { ok: false, response: fromRejection(ref.executionId, outcome.rejection) };
  return { ok: true, state: (await react(deps, outcome)).state, outcome };
};
