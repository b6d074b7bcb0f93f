/**
 * The one table of operations (src/handlers/operationTable.ts): the contract's operations are all in it,
 * marked contract and in the contract's order; everything else derives from it. The type-level checks
 * at the bottom are compiled by `tsc --noEmit` in `npm test`: an unused `@ts-expect-error` fails it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dispatch } from '../../src/handlers/dispatch';
import {
  ADDITIONAL_OPERATIONS,
  type AdditionalOperationName,
  type ContractOperationName,
  type OperationName,
  OPERATIONS,
  SUPPORTED_OPERATIONS,
} from '../../src/handlers/operationTable';
import { parseAs } from '../../src/handlers/parseRequest';
import type { OperationDeps } from '../../src/operations/deps';

/** The contract's "Supported Operations (7 total)", in its order. */
const SPEC_OPERATIONS = ['find', 'poll', 'finalize', 'pause', 'resume', 'start_execution', 'get_execution_details'] as const;
const SPEC_PATH = resolve(__dirname, '../../../shared/spec/execution-handler-operations.md');
const spec = existsSync(SPEC_PATH) ? readFileSync(SPEC_PATH, 'utf8') : undefined;

describe('the table of operations', () => {
  (spec ? it : it.skip)('lists what the contract lists (when ../shared/spec is checked out beside)', () => {
    const text = spec as string;
    const headings = [...text.matchAll(/^#### \d+\.\d+ (\w+)$/gm)].map((match) => match[1]);
    const unknownAnswer = /"supportedOperations":\s*(\[[^\]]*\])/.exec(text);
    expect(headings).toEqual(SPEC_OPERATIONS);
    expect(JSON.parse(unknownAnswer?.[1] ?? 'null')).toEqual(SPEC_OPERATIONS);
  });

  it('holds every contract operation, marked contract, in the contract order', () => {
    for (const name of SPEC_OPERATIONS) expect(OPERATIONS[name]?.kind).toBe('contract');
    expect(SUPPORTED_OPERATIONS).toEqual(SPEC_OPERATIONS);
  });

  it('marks every other operation additional, and derives both lists from itself', () => {
    const names = Object.keys(OPERATIONS);
    expect(ADDITIONAL_OPERATIONS).toEqual(names.filter((name) => !(SPEC_OPERATIONS as readonly string[]).includes(name)));
    expect(ADDITIONAL_OPERATIONS.every((name) => OPERATIONS[name].kind === 'additional')).toBe(true);
    expect([...SUPPORTED_OPERATIONS, ...ADDITIONAL_OPERATIONS]).toEqual(names);
  });

  it.each(Object.keys(OPERATIONS) as OperationName[])('%s: names its required fields, in order, when all are missing', (name) => {
    const { required } = OPERATIONS[name];
    const parsed = parseAs(name, {});
    if (required.length === 0) {
      expect(parsed.ok).toBe(true);
      return;
    }
    expect(parsed).toEqual({
      ok: false,
      response: {
        statusCode: 400,
        error: 'MISSING_PARAMETERS',
        message: `Missing required parameters: ${required.join(', ')}`,
        missingParameters: required,
      },
    });
  });
});

// ---- Compile-time guarantees (checked by tsc, never run) ----

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The table's contract operations are exactly the spec's; the rest are additional.
const contractIsSpec: Same<ContractOperationName, (typeof SPEC_OPERATIONS)[number]> = true;
const additionalIsRest: Same<AdditionalOperationName, Exclude<OperationName, (typeof SPEC_OPERATIONS)[number]>> = true;

export const dispatchTypeChecks = (deps: OperationDeps) => [
  contractIsSpec,
  additionalIsRest,
  // A well-formed request compiles.
  dispatch(deps, { operation: 'poll', input: { executionId: 'exec-1', planId: 'rp-1' } }, 'fn'),
  // @ts-expect-error poll's input needs a planId
  dispatch(deps, { operation: 'poll', input: { executionId: 'exec-1' } }, 'fn'),
  // @ts-expect-error one operation's input does not pass for another's
  dispatch(deps, { operation: 'wait_for_resume', input: { planId: 'rp-1', executionType: 'DRILL', initiatedBy: 'ops' } }, 'fn'),
  // @ts-expect-error executionType is DRILL or RECOVERY
  dispatch(deps, { operation: 'start_execution', input: { planId: 'rp-1', executionType: 'TEST', initiatedBy: 'ops' } }, 'fn'),
  // @ts-expect-error no such operation
  dispatch(deps, { operation: 'invalid_operation', input: {} }, 'fn'),
];
