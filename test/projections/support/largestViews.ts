/**
 * Views at the limits the validators accept, filled with random (incompressible) text, so a size measured on
 * them bounds every real view: 100 waves, 200 servers a wave, 4,000 servers a plan; names of 256 characters
 * of 4 UTF-8 bytes each; hostnames of 128 bytes (what the ledger keeps); server failure reasons of 512 UTF-8 bytes with their
 * reference; wave and execution reasons of 2,048 bytes; operator names of 256 characters, reasons of 1,024; every
 * wave approved and the most refused attempts the view lists, each text at the bound the view keeps of it; a
 * pending approval naming the most approver patterns a rule may, each as long as it may be.
 */
import { randomInt } from 'node:crypto';
import { APPROVAL_VIEW_BYTES, MAX_REFUSALS_IN_VIEW } from '../../../projections/approvalView';
import type { ApprovalView, ExecutionView, ServerExecutionView, WaveView } from '../../../projections/executionView';
import { MAX_APPROVER_PATTERN_LENGTH, MAX_APPROVER_PATTERNS } from '../../../src/domain/plan';

const HOSTNAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-.';
const HEX = '0123456789abcdef';

export const randomFrom = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A character from a wide block of the given UTF-8 width: ASCII, Cyrillic, CJK, CJK Extension B. */
const randomChar = (width: 1 | 2 | 3 | 4): string => {
  const [low, high] = width === 1 ? [0x21, 0x7e] : width === 2 ? [0x0400, 0x04ff] : width === 3 ? [0x4e00, 0x9fff] : [0x20000, 0x2a6df];
  return String.fromCodePoint(randomInt(low, high + 1));
};

/** `chars` random characters of 4 UTF-8 bytes each: the most bytes a limit counted in characters allows. */
export const random4ByteText = (chars: number): string => Array.from({ length: chars }, () => randomChar(4)).join('');

/** Random text of exactly `bytes` UTF-8 bytes, mixing characters of 1 to 4 bytes. */
export const randomUtf8 = (bytes: number): string => {
  let text = '';
  for (let left = bytes; left > 0;) {
    const width = Math.min(left, randomInt(1, 5)) as 1 | 2 | 3 | 4;
    text += randomChar(width);
    left -= width;
  }
  return text;
};

const id17 = (): string => randomFrom(HEX, 17);
const AT = '2026-11-26T12:08:09.123Z';

/** The reference to DRS's full failure text a failed server may carry (see FailureReasonRef). */
const failureReasonRef = () => ({
  sha256: randomFrom(HEX, 64),
  bytes: 65_536,
  drsJobId: `drsjob-${id17()}`,
  logEvent: 'USING_PREVIOUS_SNAPSHOT_FAILED',
  logDateTime: AT,
});

export interface ViewShape {
  waves: number;
  serversPerWave: number;
  /** UTF-8 bytes of each hostname (random letters, digits, dots, dashes). */
  hostnameBytes: number;
  /** Waves whose every server failed with a 512-byte reason and its reference. */
  failedWaves: 'none' | 'last' | 'all';
}

/** The validators' limits: 20 waves of 200 servers; wave and server texts as long as they may be. */
export const HEAVIEST_WAVES: ViewShape = { waves: 20, serversPerWave: 200, hostnameBytes: 128, failedWaves: 'all' };
/** The most waves a plan may have (100), sharing the plan's 4,000 servers: the largest header. */
export const MOST_WAVES: ViewShape = { waves: 100, serversPerWave: 40, hostnameBytes: 128, failedWaves: 'all' };
/**
 * What the decider can produce at the limits: a failed wave ends the execution, so one wave at most has
 * failed servers (with reasons); every hostname as long as the ledger keeps (128 bytes), all random.
 */
export const HEAVIEST_REACHABLE: ViewShape = { waves: 20, serversPerWave: 200, hostnameBytes: 128, failedWaves: 'last' };
export const MOST_WAVES_REACHABLE: ViewShape = { waves: 100, serversPerWave: 40, hostnameBytes: 128, failedWaves: 'last' };
/** A plan at the server limit with hostnames of common length (a 40-byte FQDN) whose last wave failed. */
export const LARGEST_TYPICAL: ViewShape = { waves: 20, serversPerWave: 200, hostnameBytes: 40, failedWaves: 'last' };

/** A view of the given shape, every optional field set, all text random. */
export const largestView = (executionId: string, shape: ViewShape, seq = 99_999): ExecutionView => {
  const failed = (waveNumber: number) => shape.failedWaves === 'all' || (shape.failedWaves === 'last' && waveNumber === shape.waves);
  const waveStatuses: WaveView[] = [];
  const serverExecutions: ServerExecutionView[] = [];
  for (let waveNumber = 1; waveNumber <= shape.waves; waveNumber += 1) {
    const jobs = [`drsjob-${id17()}`, `drsjob-${id17()}`];
    const failing = failed(waveNumber);
    waveStatuses.push({
      waveNumber,
      waveName: random4ByteText(256),
      status: failing ? 'FAILED' : 'COMPLETED',
      pauseBeforeWave: true,
      requiresApproval: true,
      drsJobId: jobs[0] as string,
      drsJobIds: jobs,
      drsJobStatuses: ['COMPLETED', 'COMPLETED'],
      jobCount: 2,
      drsJobStatus: 'COMPLETED',
      serversLaunched: shape.serversPerWave,
      serversCompleted: failing ? 0 : shape.serversPerWave,
      serversFailed: failing ? shape.serversPerWave : 0,
      startTime: AT,
      endTime: AT,
      ...(failing ? { failureReason: randomUtf8(2048) } : {}),
    });
    for (let index = 0; index < shape.serversPerWave; index += 1) {
      const server: ServerExecutionView & { failureReasonRef?: ReturnType<typeof failureReasonRef> } = {
        serverId: `s-${id17()}`,
        hostname: randomFrom(HOSTNAME_ALPHABET, shape.hostnameBytes),
        waveNumber,
        status: failing ? 'FAILED' : 'LAUNCHED',
        recoveryInstanceId: `i-${id17()}`,
        launchTime: AT,
        ...(failing ? { failureReason: randomUtf8(512), failureReasonRef: failureReasonRef() } : {}),
      };
      serverExecutions.push(server);
    }
  }
  const principal = () => randomFrom(HOSTNAME_ALPHABET, APPROVAL_VIEW_BYTES.principal);
  const identity = () => ({ principal: principal(), claim: randomUtf8(APPROVAL_VIEW_BYTES.claim) });
  const operator = () => ({ by: random4ByteText(256), at: AT, reason: random4ByteText(1024), ...identity() });
  const approvals: ApprovalView[] = [
    ...waveStatuses.map((wave): ApprovalView => ({
      outcome: 'GRANTED',
      waveNumber: wave.waveNumber,
      at: AT,
      ...identity(),
      comment: randomUtf8(APPROVAL_VIEW_BYTES.comment),
      ticket: randomUtf8(APPROVAL_VIEW_BYTES.ticket),
    })),
    ...Array.from({ length: MAX_REFUSALS_IN_VIEW }, (): ApprovalView => ({
      outcome: 'REFUSED',
      waveNumber: shape.waves,
      at: AT,
      action: 'DECLINE',
      attemptedBy: randomUtf8(APPROVAL_VIEW_BYTES.attemptedBy),
      ...identity(),
      reason: randomUtf8(APPROVAL_VIEW_BYTES.reason),
    })),
  ];
  return {
    executionId,
    planId: `rp-${randomFrom(HEX, 60)}`,
    planName: random4ByteText(256),
    status: 'FAILED',
    executionType: 'RECOVERY',
    initiatedBy: random4ByteText(256),
    initiatedByPrincipal: principal(),
    initiatedByClaim: randomUtf8(APPROVAL_VIEW_BYTES.claim),
    accountContext: {
      accountId: '123456789012',
      region: 'ap-southeast-2',
      roleName: randomFrom(HOSTNAME_ALPHABET, 64),
      // The ExternalId itself is never in a view: only the plan that holds it (a plan id is at most 128 characters).
      externalIdFromPlan: `rp-${randomFrom(HEX, 125)}`,
    },
    rtoTargetMinutes: 100_000,
    startTime: AT,
    endTime: AT,
    durationSeconds: 8_640_000,
    duration: '100d',
    currentWave: shape.waves,
    totalWaves: shape.waves,
    totalServers: shape.waves * shape.serversPerWave,
    waveStatuses,
    serverExecutions,
    stepFunctionArn: `arn:aws:states:ap-southeast-2:123456789012:execution:${randomFrom(HEX, 80)}:${randomFrom(HEX, 80)}`,
    lastPolled: AT,
    pauseRequested: operator(),
    pausedAt: AT,
    nextWave: shape.waves,
    resumedAt: AT,
    cancelRequested: operator(),
    pendingApproval: {
      waveNumber: shape.waves,
      approvers: Array.from({ length: MAX_APPROVER_PATTERNS }, () => randomFrom(HOSTNAME_ALPHABET, MAX_APPROVER_PATTERN_LENGTH)),
      excludeStarter: true,
      deadline: AT,
      onTimeout: 'CONTINUE',
    },
    approvals,
    approvalRefusalsNotShown: 999_999,
    failureReason: randomUtf8(2048),
    seq,
    lastEventAt: AT,
  };
};
