import type { OperationDeps } from '../operations/deps';
import type { OperationResponse } from '../operations/responses';
import { type OperationInput, type OperationName, OPERATIONS, type RunContext, type ValidRequest } from './operationTable';

/**
 * One operation's run. Generic in the name, so `OPERATIONS[request.operation]` is `OperationSpec<K>` and its
 * runner takes exactly `OperationInput<K>`.
 */
const run = <K extends OperationName>(
  deps: OperationDeps,
  request: { operation: K; input: OperationInput<K> },
  context: RunContext,
): Promise<OperationResponse> => OPERATIONS[request.operation].run(deps, request.input, context);

/** Runs a validated request. `functionName` is this function's own, for find's self-invocations. */
export const dispatch = async (deps: OperationDeps, request: ValidRequest, functionName: string): Promise<OperationResponse> =>
  run(deps, request, { functionName });
