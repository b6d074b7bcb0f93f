import { z } from 'zod';
import {
  DRS_JOB_STATUSES,
  type DrsJobStatus,
  EXECUTION_TYPES,
  type ExecutionType,
  LAUNCH_STATUSES,
  type LaunchStatus,
} from '../domain/execution';
import { reservedActorProblem } from '../domain/execution';
import { DRS_JOB_ID_PATTERN, identifierSchema } from '../domain/identifier';
import { forbiddenCharacterProblem, MAX_KEEP_ALIVE_MINUTES, SOURCE_SERVER_ID_PATTERN } from '../domain/plan';

/** Largest event accepted: Lambda's async payload limit, and far beyond any valid request. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Free text a caller gives (who asks, why) ends up in the ledger, terminals, reports and notifications: held
 * to the rule plan and wave names follow (src/domain/plan/nameText.ts): no C0 or C1 control character, no
 * line or paragraph separator, no bidi control, no unpaired surrogate; the first one found is named.
 */
const printable =
  (what: string) =>
  (value: string, context: z.core.$RefinementCtx<string>): void => {
    const problem = forbiddenCharacterProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `${what} ${problem}` });
  };

// The id schema lives in the domain, so that imports and report file names are held to this very one.
const id = identifierSchema;

const person = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(256, `${what} must be at most 256 characters`)
    .superRefine(printable(what))
    .superRefine((value, context) => {
      const problem = reservedActorProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: `${what} ${problem}` });
    });

/** An approval's or a decline's justification: recorded in the ledger and shown in reports. */
export const commentSchema = z
  .string({ error: 'comment must be a string' })
  .trim()
  .min(1, 'comment must not be empty')
  .max(2048, 'comment must be at most 2048 characters')
  .superRefine(printable('comment'));

/** A change ticket's reference, as change-management tools write them (CHG0012345, JIRA-123, #42). */
export const ticketSchema = z
  .string({ error: 'ticket must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}$/, 'ticket must be 1-128 characters of letters, digits and . _ : / # -');

const accountContext = z
  .object(
    {
      accountId: z
        .string({ error: 'accountContext.accountId must be a string' })
        .regex(/^\d{12}$/, 'accountContext.accountId must be 12 digits'),
      region: z
        .string({ error: 'accountContext.region must be a string' })
        .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'accountContext.region must be an AWS region such as us-east-1'),
      roleName: z
        .string({ error: 'accountContext.roleName must be a string' })
        .regex(/^[\w+=,.@-]{1,64}$/, 'accountContext.roleName must be an IAM role name'),
      externalId: z
        .string({ error: 'accountContext.externalId must be a string' })
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'accountContext.externalId must be 2-1224 characters of [\\w+=,.@:/-]')
        .exactOptional(),
    },
    { error: 'accountContext must be an object' },
  )
  .strict();

const executionRef = z.object({ executionId: id('executionId'), planId: id('planId') });

/**
 * `simulatedOperator: true`: no person acts, the local drill's simulated operator does. Only a handler whose
 * configuration says the stack is simulated accepts it (the operation table refuses it otherwise, naming it).
 */
const simulatedOperator = z.boolean({ error: 'simulatedOperator must be a boolean' }).exactOptional();

/** The DRS job find saw for a poll (find's self-invocation); a poll without it asks DRS itself. */
const observation = z
  .object(
    {
      jobId: z.string({ error: 'observation.jobId must be a string' }).regex(DRS_JOB_ID_PATTERN, 'observation.jobId must be a DRS job id'),
      status: z.enum(DRS_JOB_STATUSES as unknown as [DrsJobStatus, ...DrsJobStatus[]], {
        error: `observation.status must be one of ${DRS_JOB_STATUSES.join(', ')}`,
      }),
      servers: z
        .array(
          z
            .object({
              serverId: z.string().regex(SOURCE_SERVER_ID_PATTERN, 'observation.servers: serverId must be a DRS source server id'),
              launchStatus: z.enum(LAUNCH_STATUSES as unknown as [LaunchStatus, ...LaunchStatus[]]),
              recoveryInstanceId: z.string().max(64).exactOptional(),
              failureReason: z.string().max(2048).exactOptional(),
            })
            .strict(),
          { error: 'observation.servers must be an array' },
        )
        .max(200, 'observation.servers must have at most 200 servers'),
      observedAt: z.iso.datetime({ error: 'observation.observedAt must be an ISO 8601 date-time' }),
    },
    { error: 'observation must be an object' },
  )
  .strict();

/*
 * One schema per request shape. Which operation uses which, its required fields and its runner are in
 * the one table of operations, src/handlers/operationTable.ts.
 */
/** pause, resume and cancel: who asks, and why. */
export const operatorRequest = executionRef.extend({
  requestedBy: person('requestedBy').exactOptional(),
  initiatedBy: person('initiatedBy').exactOptional(),
  reason: z
    .string({ error: 'reason must be a string' })
    .max(1024, 'reason must be at most 1024 characters')
    .superRefine(printable('reason'))
    .exactOptional(),
  comment: commentSchema.exactOptional(),
  ticket: ticketSchema.exactOptional(),
  simulatedOperator,
});
/** A retry round: the wave's last round + 1 (rounds are capped far below 100). */
export const retryRoundSchema = z
  .number({ error: 'retryRound must be a number' })
  .int('retryRound must be an integer')
  .min(1, 'retryRound must be at least 1')
  .max(100, 'retryRound must be at most 100');
/** retry_wave and skip_wave: the wave the execution paused on the failure of, who asks, and (skip) why. */
export const waveRecoveryRequest = executionRef.extend({
  waveNumber: z
    .number({ error: 'waveNumber must be a number' })
    .int('waveNumber must be an integer')
    .min(1, 'waveNumber must be at least 1')
    .max(100, 'waveNumber must be at most 100'),
  requestedBy: person('requestedBy'),
  // retry_wave: the round the caller means to start; a stale redelivery of an earlier round's request writes nothing.
  retryRound: retryRoundSchema.exactOptional(),
  reason: z
    .string({ error: 'reason must be a string' })
    .trim()
    .min(1, 'reason must not be empty')
    .max(1024, 'reason must be at most 1024 characters')
    .superRefine(printable('reason'))
    .exactOptional(),
});
export const findRequest = z.object({});
// `observations`: every job of the wave (find hands them on); `observation`: one job, as earlier finds sent it.
export const pollRequest = executionRef.extend({
  observations: z
    .array(observation, { error: 'observations must be an array' })
    .max(20, 'observations must have at most 20 jobs')
    .exactOptional(),
  observation: observation.exactOptional(),
});
export const finalizeRequest = executionRef;
/** A DRILL's keep-alive after its end (minutes), overriding the plan's drillKeepAliveMinutes. */
const keepAliveMinutes = z
  .number({ error: 'keepAliveMinutes must be a number' })
  .int('keepAliveMinutes must be a whole number of minutes')
  .min(0, 'keepAliveMinutes must be at least 0')
  .max(MAX_KEEP_ALIVE_MINUTES, `keepAliveMinutes must be at most ${MAX_KEEP_ALIVE_MINUTES} (7 days)`)
  .exactOptional();
/** Start despite BLOCKING preflight findings: why, recorded in the ledger as an accepted deviation. */
export const overrideSchema = z
  .object(
    {
      reason: z
        .string({ error: 'override.reason must be a string' })
        .trim()
        .min(1, 'override.reason must not be empty')
        .max(1024, 'override.reason must be at most 1024 characters')
        .superRefine(printable('override.reason')),
    },
    { error: 'override must be an object' },
  )
  .strict();
export const startExecutionRequest = z.object({
  planId: id('planId'),
  executionType: z.enum(EXECUTION_TYPES as unknown as [ExecutionType, ...ExecutionType[]], {
    error: `executionType must be one of ${EXECUTION_TYPES.join(', ')}`,
  }),
  initiatedBy: person('initiatedBy'),
  accountContext: accountContext.exactOptional(),
  simulatedOperator,
  // Its meaning (an instant, not in the future, within DRS's retention) is judged by start_execution itself.
  recoverAsOf: z.string({ error: 'recoverAsOf must be a string' }).max(64, 'recoverAsOf must be at most 64 characters').exactOptional(),
  keepAliveMinutes,
  override: overrideSchema.exactOptional(),
});
/** preflight: a plan's readiness, as a start of this type would see it (DRILL unless said), optionally as of a time. */
export const preflightRequest = z.object({
  planId: id('planId'),
  executionType: z
    .enum(EXECUTION_TYPES as unknown as [ExecutionType, ...ExecutionType[]], {
      error: `executionType must be one of ${EXECUTION_TYPES.join(', ')}`,
    })
    .exactOptional(),
  recoverAsOf: z.iso.datetime({ offset: true, error: 'recoverAsOf must be an ISO 8601 date-time' }).exactOptional(),
});
export const getExecutionDetailsRequest = z.object({
  executionId: id('executionId'),
  queryParams: z.object({ planId: id('queryParams.planId').exactOptional() }, { error: 'queryParams must be an object' }).exactOptional(),
  planId: id('planId').exactOptional(),
});
export const waitForResumeRequest = executionRef.extend({
  taskToken: z.string({ error: 'taskToken must be a string' }).min(1, 'taskToken must not be empty').max(8192, 'taskToken is too long'),
});
export const attachStateMachineRequest = executionRef.extend({
  executionArn: z
    .string({ error: 'executionArn must be a string' })
    .max(2048, 'executionArn is too long')
    .regex(/^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/, 'executionArn must be a Step Functions execution ARN')
    .superRefine(printable('executionArn')),
  // Generation 0 is the run start_execution starts and attaches itself.
  generation: z
    .number({ error: 'generation must be a number' })
    .int('generation must be an integer')
    .min(1, 'generation must be at least 1')
    .max(1_000_000, 'generation must be at most 1000000'),
});
