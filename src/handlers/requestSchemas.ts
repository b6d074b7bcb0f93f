import { z } from 'zod';
import { DRS_JOB_STATUSES, DrsJobStatus, EXECUTION_TYPES, LAUNCH_STATUSES, LaunchStatus } from '../domain/execution';
import { ID_PATTERN, SOURCE_SERVER_ID_PATTERN } from '../domain/plan';

/** The contract's seven operations, in its order; the error for an unknown one lists exactly these. */
export const SUPPORTED_OPERATIONS = [
  'find',
  'poll',
  'finalize',
  'pause',
  'resume',
  'start_execution',
  'get_execution_details',
] as const;
/**
 * Beyond the contract: cancel (its clients already wait for CANCELLED), the state machine's resume wait, and the
 * first step of a state machine run that continued as new.
 */
export const ADDITIONAL_OPERATIONS = ['cancel', 'wait_for_resume', 'attach_state_machine'] as const;

export type OperationName = (typeof SUPPORTED_OPERATIONS)[number] | (typeof ADDITIONAL_OPERATIONS)[number];

/** Largest event accepted: Lambda's async payload limit, and far beyond any valid request. */
export const MAX_EVENT_BYTES = 256 * 1024;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const id = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(ID_PATTERN, `${what} must contain only letters, digits, and _ . : - (starting with a letter or digit)`);

const person = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(256, `${what} must be at most 256 characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), `${what} must not contain control characters`);

const accountContext = z
  .object(
    {
      accountId: z.string({ error: 'accountContext.accountId must be a string' }).regex(/^\d{12}$/, 'accountContext.accountId must be 12 digits'),
      region: z
        .string({ error: 'accountContext.region must be a string' })
        .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'accountContext.region must be an AWS region such as us-east-1'),
      roleName: z
        .string({ error: 'accountContext.roleName must be a string' })
        .regex(/^[\w+=,.@-]{1,64}$/, 'accountContext.roleName must be an IAM role name'),
      externalId: z
        .string({ error: 'accountContext.externalId must be a string' })
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'accountContext.externalId must be 2-1224 characters of [\\w+=,.@:/-]')
        .optional(),
    },
    { error: 'accountContext must be an object' },
  )
  .strict();

const executionRef = z.object({ executionId: id('executionId'), planId: id('planId') });

/** The DRS job find saw for a poll (find's self-invocation); a poll without it asks DRS itself. */
const observation = z
  .object(
    {
      jobId: z.string({ error: 'observation.jobId must be a string' }).regex(/^drsjob-[0-9a-zA-Z]{17}$/, 'observation.jobId must be a DRS job id'),
      status: z.enum(DRS_JOB_STATUSES as unknown as [DrsJobStatus, ...DrsJobStatus[]], {
        error: `observation.status must be one of ${DRS_JOB_STATUSES.join(', ')}`,
      }),
      servers: z
        .array(
          z
            .object({
              serverId: z.string().regex(SOURCE_SERVER_ID_PATTERN, 'observation.servers: serverId must be a DRS source server id'),
              launchStatus: z.enum(LAUNCH_STATUSES as unknown as [LaunchStatus, ...LaunchStatus[]]),
              recoveryInstanceId: z.string().max(64).optional(),
              failureReason: z.string().max(2048).optional(),
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
const operator = executionRef.extend({
  requestedBy: person('requestedBy').optional(),
  initiatedBy: person('initiatedBy').optional(),
  reason: z.string({ error: 'reason must be a string' }).max(1024, 'reason must be at most 1024 characters').optional(),
});

export const operationSchemas = {
  find: z.object({}),
  // `observations`: every job of the wave (find hands them on); `observation`: one job, as earlier finds sent it.
  poll: executionRef.extend({
    observations: z.array(observation, { error: 'observations must be an array' }).max(20, 'observations must have at most 20 jobs').optional(),
    observation: observation.optional(),
  }),
  finalize: executionRef,
  pause: operator,
  resume: operator,
  cancel: operator,
  start_execution: z.object({
    planId: id('planId'),
    executionType: z.enum(EXECUTION_TYPES as unknown as [string, ...string[]], {
      error: `executionType must be one of ${EXECUTION_TYPES.join(', ')}`,
    }),
    initiatedBy: person('initiatedBy'),
    accountContext: accountContext.optional(),
  }),
  get_execution_details: z.object({
    executionId: id('executionId'),
    queryParams: z
      .object({ planId: id('queryParams.planId').optional() }, { error: 'queryParams must be an object' })
      .optional(),
    planId: id('planId').optional(),
  }),
  wait_for_resume: executionRef.extend({
    taskToken: z.string({ error: 'taskToken must be a string' }).min(1, 'taskToken must not be empty').max(8192, 'taskToken is too long'),
  }),
  attach_state_machine: executionRef.extend({
    executionArn: z
      .string({ error: 'executionArn must be a string' })
      .max(2048, 'executionArn is too long')
      .regex(/^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/, 'executionArn must be a Step Functions execution ARN'),
    // Generation 0 is the run start_execution starts and attaches itself.
    generation: z
      .number({ error: 'generation must be a number' })
      .int('generation must be an integer')
      .min(1, 'generation must be at least 1')
      .max(1_000_000, 'generation must be at most 1000000'),
  }),
} satisfies Record<OperationName, z.ZodType>;

/** Required fields per operation, in the order the MISSING_PARAMETERS message names them. */
export const REQUIRED_FIELDS: Record<OperationName, string[]> = {
  find: [],
  poll: ['executionId', 'planId'],
  finalize: ['executionId', 'planId'],
  pause: ['executionId', 'planId'],
  resume: ['executionId', 'planId'],
  cancel: ['executionId', 'planId'],
  start_execution: ['planId', 'executionType', 'initiatedBy'],
  get_execution_details: ['executionId'],
  wait_for_resume: ['executionId', 'planId', 'taskToken'],
  attach_state_machine: ['executionId', 'planId', 'executionArn', 'generation'],
};

export type OperationInput<Name extends OperationName> = z.infer<(typeof operationSchemas)[Name]>;
