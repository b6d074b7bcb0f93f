/**
 * DynamoDB answers a PutItem, UpdateItem or DeleteItem refused on its condition with the item that refused it
 * when the request asks for it (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, June 2023): strongly
 * consistent, and no read capacity consumed. dynalite 4.0.0 does not implement it, and drops it as unknown.
 * This teaches the dynalite module in this process the parameter as AWS's model defines it (ALL_OLD or NONE,
 * anything else a ValidationException) and puts the stored item, when there is one, in the
 * ConditionalCheckFailedException's `Item`, where the SDK reads it. Idempotent: a second call changes nothing.
 */

/** The parts of dynalite's modules this touches (it ships no types). */
interface DynaliteDb {
  checkConditional(data: Record<string, unknown>, existingItem: unknown): DynaliteError | null | undefined;
}
interface DynaliteError extends Error {
  body?: Record<string, unknown>;
}
interface DynaliteValidation {
  types: Record<string, unknown>;
}

const PARAMETER = 'ReturnValuesOnConditionCheckFailure';
const CONDITIONAL_WRITES = ['putItem', 'updateItem', 'deleteItem'] as const;
const TAUGHT = Symbol.for('drs-ledger.dynalite.returnValuesOnConditionCheckFailure');

/** `dynalitePath`: where dynalite's package resolves from (its index.js); its own modules are found beside it. */
export const teachConditionFailureItem = (dynalitePath: string = require.resolve('dynalite')): void => {
  const from = (module: string) => require.resolve(module, { paths: [dynalitePath] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const db = require(from('dynalite/db')) as DynaliteDb & { [TAUGHT]?: true };
  if (db[TAUGHT]) return;
  for (const action of CONDITIONAL_WRITES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validation = require(from(`dynalite/validations/${action}`)) as DynaliteValidation;
    // dynalite checks a request's members against these types, and drops any it does not know.
    validation.types[PARAMETER] = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const checkConditional = db.checkConditional.bind(db);
  db.checkConditional = (data, existingItem) => {
    const refused = checkConditional(data, existingItem);
    if (refused?.body && existingItem && data[PARAMETER] === 'ALL_OLD') refused.body.Item = existingItem;
    return refused;
  };
  db[TAUGHT] = true;
};
