import { ticketSchema } from '../requestSchemas';
import { z } from 'zod';
import { reservedActorProblem } from '../../domain/execution';
import { forbiddenCharacterProblem } from '../../domain/plan';
import { MAX_LISTED_EXECUTIONS } from '../../operations/listExecutions';
import { preflightRequest, retryRoundSchema, startExecutionRequest } from '../requestSchemas';

/**
 * The operator API's bodies. Who acts is never read from a body: the principal comes from the request
 * context alone, and `name` is only the caller's claim, kept beside it. Unknown fields (an `identity`, a
 * `requestedBy`) are refused rather than ignored, so that a client that believes it names itself learns otherwise.
 */

/** Free text ends up in the ledger, terminals, reports and notifications: the rule of plan names (nameText.ts). */
const printable =
  (what: string) =>
  (value: string, context: z.core.$RefinementCtx<string>): void => {
    const problem = forbiddenCharacterProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `${what} ${problem}` });
  };

/** The caller's own name for themselves: a person's name, never a reserved driver's name nor an ARN. */
const claim = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, 'name must not be empty')
  .max(256, 'name must be at most 256 characters')
  .superRefine(printable('name'))
  .superRefine((value, context) => {
    const problem = reservedActorProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `name ${problem}` });
  });

const comment = z
  .string({ error: 'comment must be a string' })
  .trim()
  .min(1, 'comment must not be empty')
  .max(2048, 'comment must be at most 2048 characters')
  .superRefine(printable('comment'));

/** A change ticket: the one rule the direct invocation's schema holds it to. */
const ticket = ticketSchema;

const reason = z
  .string({ error: 'reason must be a string' })
  .max(1024, 'reason must be at most 1024 characters')
  .superRefine(printable('reason'));

/** POST /plans/{planId}/drills and /recoveries. accountContext is held to start_execution's own schema. */
export const startBody = z
  .object(
    {
      name: claim.exactOptional(),
      accountContext: startExecutionRequest.shape.accountContext,
      recoverAsOf: startExecutionRequest.shape.recoverAsOf,
      keepAliveMinutes: startExecutionRequest.shape.keepAliveMinutes,
      // Start despite BLOCKING preflight findings: the verified principal accepts the deviation, with this reason.
      override: startExecutionRequest.shape.override,
    },
    { error: 'body must be a JSON object' },
  )
  .strict();

/** POST /executions/{executionId}/pause|resume|approve|decline|cancel|retry|skip. */
export const operatorBody = z
  .object(
    {
      name: claim.exactOptional(),
      comment: comment.exactOptional(),
      ticket: ticket.exactOptional(),
      reason: reason.exactOptional(),
      // The wave an approval or a decline is meant for: refused (409) if the execution waits before another;
      // the failed wave a retry or a skip is for (required there).
      waveNumber: z
        .number({ error: 'waveNumber must be a number' })
        .int('waveNumber must be an integer')
        .min(1, 'waveNumber must be at least 1')
        .max(100, 'waveNumber must be at most 100')
        .exactOptional(),
      // A retry's round (the wave's last round + 1): a stale redelivery of an earlier request writes nothing.
      retryRound: retryRoundSchema.exactOptional(),
    },
    { error: 'body must be a JSON object' },
  )
  .strict();

/** GET /executions' query string. */
export const listExecutionsQuery = z
  .object({
    since: z.iso.datetime({ error: 'since must be an ISO 8601 date-time' }).exactOptional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be an integer')
      .min(1, 'limit must be at least 1')
      .max(MAX_LISTED_EXECUTIONS, `limit must be at most ${MAX_LISTED_EXECUTIONS}`)
      .exactOptional(),
  })
  .strict();

/** GET /plans/{planId}/preflight's query string: the start it checks for, and a recovery as of a time. */
export const preflightQuery = z
  .object({
    type: preflightRequest.shape.executionType,
    recoverAsOf: preflightRequest.shape.recoverAsOf,
  })
  .strict();

/** Our messages name their field; zod's generic ones (an unrecognized key) get the path in front. */
export const describeIssues = (issues: z.core.$ZodIssue[]): string[] =>
  issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return !path || issue.message.startsWith(path) ? issue.message : `${path}: ${issue.message}`;
  });
