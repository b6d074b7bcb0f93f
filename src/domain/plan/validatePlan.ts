import { z } from 'zod';
import { utf8Length } from '../text';
import { nameSchema } from './nameText';
import {
  ID_PATTERN,
  MAX_SERVERS_PER_PLAN,
  MAX_SERVERS_PER_WAVE,
  MAX_KEEP_ALIVE_MINUTES,
  MAX_WAVES,
  type RecoveryPlan,
  SOURCE_SERVER_ID_PATTERN,
  totalServers,
} from './recoveryPlan';
import {
  APPROVER_PATTERN,
  MAX_APPROVAL_TIMEOUT_MINUTES,
  MAX_APPROVER_BYTES_PER_PLAN,
  MAX_APPROVER_PATTERN_LENGTH,
  MAX_APPROVER_PATTERNS,
} from './approvalRule';
import { optionalServerIssues } from './optionalServers';
import { ACCOUNT_ID_PATTERN, EXTERNAL_ID_PATTERN, REGION_PATTERN, ROLE_NAME_PATTERN } from './planTarget';

export interface PlanIssue {
  /** Dotted path to the offending field, e.g. `waves.1.sourceServerIds.0`. */
  path: string;
  message: string;
}

export type PlanValidation = { ok: true; plan: RecoveryPlan } | { ok: false; issues: PlanIssue[] };

const approvalSchema = z
  .object(
    {
      approvers: z
        .array(
          z
            .string()
            .max(MAX_APPROVER_PATTERN_LENGTH, `must be at most ${MAX_APPROVER_PATTERN_LENGTH} characters`)
            .regex(APPROVER_PATTERN, 'must be a principal ARN pattern such as arn:aws:sts::123456789012:assumed-role/DRApprover/*'),
        )
        .min(1, 'an approval needs at least one approver pattern')
        .max(MAX_APPROVER_PATTERNS, `at most ${MAX_APPROVER_PATTERNS} approver patterns`),
      excludeStarter: z.boolean().optional(),
      timeoutMinutes: z
        .number()
        .int()
        .positive()
        .max(MAX_APPROVAL_TIMEOUT_MINUTES, `at most ${MAX_APPROVAL_TIMEOUT_MINUTES} minutes (7 days: the state machine waits no longer)`)
        .optional(),
      onTimeout: z.enum(['CANCEL', 'CONTINUE'], { error: 'must be CANCEL or CONTINUE' }).optional(),
    },
    { error: 'must be an object' },
  )
  .strict();

const waveSchema = z
  .object({
    waveName: nameSchema,
    sourceServerIds: z
      .array(z.string().regex(SOURCE_SERVER_ID_PATTERN, 'must be a DRS source server id like s-1234567890abcdef0'))
      .min(1, 'a wave needs at least one source server')
      .max(MAX_SERVERS_PER_WAVE, `DRS launches at most ${MAX_SERVERS_PER_WAVE} servers in one job`),
    pauseBeforeWave: z.boolean().optional(),
    approval: approvalSchema.optional(),
    optionalServerIds: z
      .array(z.string().regex(SOURCE_SERVER_ID_PATTERN, 'must be a DRS source server id like s-1234567890abcdef0'))
      .max(MAX_SERVERS_PER_WAVE, `a wave has at most ${MAX_SERVERS_PER_WAVE} servers`)
      .optional(),
  })
  .strict();

const targetSchema = z
  .object(
    {
      accountId: z.string().regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id'),
      region: z.string().regex(REGION_PATTERN, 'must be an AWS region such as us-east-1'),
      roleName: z.string().regex(ROLE_NAME_PATTERN, 'must be an IAM role name (1-64 characters of [\\w+=,.@-])').optional(),
      externalId: z.string().regex(EXTERNAL_ID_PATTERN, 'must be 2-1224 characters of [\\w+=,.@:/-]').optional(),
    },
    { error: 'must be an object' },
  )
  .strict();

const planSchema = z
  .object({
    planId: z.string().regex(ID_PATTERN, 'must be 1-128 letters, digits, or _ . : - and start with a letter or digit'),
    planName: nameSchema,
    waves: z.array(waveSchema).min(1, 'a plan needs at least one wave').max(MAX_WAVES),
    rtoTargetMinutes: z.number().int().positive().max(100_000).optional(),
    rpoTargetMinutes: z.number().int().positive().max(100_000).optional(),
    drillKeepAliveMinutes: z
      .number({ error: 'must be a number' })
      .int('must be a whole number of minutes')
      .min(0, 'must be at least 0')
      .max(MAX_KEEP_ALIVE_MINUTES, `must be at most ${MAX_KEEP_ALIVE_MINUTES} (7 days)`)
      .optional(),
    target: targetSchema.optional(),
    onWaveFailure: z.enum(['FAIL', 'PAUSE'], { error: 'must be FAIL or PAUSE' }).optional(),
  })
  .strict();

const formatPath = (path: ReadonlyArray<PropertyKey>): string => (path.length ? path.map(String).join('.') : '(plan)');

/** An unknown field is reported at its own path (zod reports it at the enclosing object's). */
const toIssues = (issue: z.core.$ZodIssue): PlanIssue[] =>
  issue.code === 'unrecognized_keys'
    ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
    : [{ path: formatPath(issue.path), message: issue.message }];

/** Validates an untrusted plan document; every problem is reported with the path of the field it concerns. */
export const validatePlan = (input: unknown): PlanValidation => {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap(toIssues),
    };
  }
  const plan = parsed.data as RecoveryPlan;
  const issues: PlanIssue[] = [];
  const servers = totalServers(plan);
  if (servers > MAX_SERVERS_PER_PLAN) {
    issues.push({
      path: 'waves',
      message: `a plan holds at most ${MAX_SERVERS_PER_PLAN} servers across its waves (this one has ${servers}); split a larger estate across several plans`,
    });
  }
  const approverBytes = plan.waves.reduce(
    (sum, wave) => sum + (wave.approval?.approvers ?? []).reduce((bytes, pattern) => bytes + utf8Length(pattern), 0),
    0,
  );
  if (approverBytes > MAX_APPROVER_BYTES_PER_PLAN) {
    issues.push({
      path: 'waves',
      message: `approver patterns take at most ${MAX_APPROVER_BYTES_PER_PLAN} bytes across a plan (this one has ${approverBytes}); name approvers by role (a pattern) rather than one by one`,
    });
  }
  plan.waves.forEach((wave, waveIndex) => {
    if (wave.approval?.onTimeout !== undefined && wave.approval.timeoutMinutes === undefined) {
      issues.push({ path: `waves.${waveIndex}.approval.onTimeout`, message: 'needs timeoutMinutes: without a timeout it never applies' });
    }
  });
  issues.push(...optionalServerIssues(plan));
  const waveOfServer = new Map<string, number>();
  plan.waves.forEach((wave, waveIndex) => {
    wave.sourceServerIds.forEach((serverId, serverIndex) => {
      const seenIn = waveOfServer.get(serverId);
      if (seenIn === undefined) {
        waveOfServer.set(serverId, waveIndex);
        return;
      }
      const where = seenIn === waveIndex ? 'earlier in this wave' : `in wave ${seenIn + 1}`;
      issues.push({
        path: `waves.${waveIndex}.sourceServerIds.${serverIndex}`,
        message: `server ${serverId} already appears ${where}; a server can be recovered by one wave only`,
      });
    });
  });
  return issues.length ? { ok: false, issues } : { ok: true, plan };
};
