/**
 * Optional servers and retries keep every ledger item under DynamoDB's 400 KB for the largest plan the validator
 * accepts: every server optional but the last wave's, each failing with DRS's longest reasons (so each wave's
 * WaveCompleted names 200 optional failures), then the last wave paused on its failure, retried the most rounds
 * allowed (each failing every server again) and skipped with the longest reason, 4-byte characters throughout.
 */
import {
  decide,
  decidedFrom,
  type ExecutionCommand,
  type ExecutionState,
  initialState,
  jobsOf,
  MAX_SKIP_REASON_LENGTH,
  MAX_WAVE_RETRIES,
  partsWithoutJob,
  serversOfPart,
  type ServerObservation,
  type StartedExecution,
} from '../../../src/domain/execution';
import { chainEvents } from '../../../src/domain/ledger';
import { MAX_NAME_LENGTH, MAX_SERVERS_PER_PLAN, MAX_SERVERS_PER_WAVE, type RecoveryPlan, validatePlan } from '../../../src/domain/plan';
import { dynamoItemBytes } from '../../../src/adapters/dynamodb/itemSize';
import { assertLedgerItemFits, MAX_LEDGER_ITEM_BYTES } from '../../../src/adapters/dynamodb/ledgerItemSize';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';

/** mulberry32: the worst case must be the same in every run. */
let seed = 7;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const alnum = (length: number): string => Array.from({ length }, () => ALNUM[Math.floor(random() * ALNUM.length)]).join('');
/** Code points above U+FFFF: 4 UTF-8 bytes each, and random, so gzip gains little. */
const astral = (length: number): string =>
  Array.from({ length }, () => String.fromCodePoint(0x20000 + Math.floor(random() * 0xa000))).join('');

const WAVES = MAX_SERVERS_PER_PLAN / MAX_SERVERS_PER_WAVE;
const plan: RecoveryPlan = {
  planId: 'plan-largest-optional',
  planName: astral(MAX_NAME_LENGTH),
  onWaveFailure: 'PAUSE',
  waves: Array.from({ length: WAVES }, (_, wave) => {
    const sourceServerIds = Array.from({ length: MAX_SERVERS_PER_WAVE }, () => `s-${alnum(17)}`);
    return { waveName: astral(MAX_NAME_LENGTH), sourceServerIds, ...(wave < WAVES - 1 ? { optionalServerIds: [...sourceServerIds] } : {}) };
  }),
};

describe('ledger items of optional servers and retries, for the largest plan', () => {
  it('every item stays under the store limit', () => {
    const validation = validatePlan(plan);
    expect(validation.ok ? [] : validation.issues.slice(0, 3)).toEqual([]);
    let state: ExecutionState = initialState();
    let headHash: string | undefined;
    let minute = 0;
    let largest = 0;
    const at = () => new Date(Date.UTC(2026, 0, 1) + (minute += 1) * 60_000).toISOString();
    const apply = (command: ExecutionCommand): void => {
      const decision = decide(command, state);
      if (!decision.ok) throw new Error(`${command.type} refused: ${JSON.stringify(decision.rejection)}`);
      const { states } = decidedFrom(state, decision.events);
      for (const [index, link] of chainEvents(headHash, decision.events, states).entries()) {
        state = states[index] as ExecutionState;
        const item = toEventItem(link, state);
        assertLedgerItemFits(item, link);
        largest = Math.max(largest, dynamoItemBytes(item));
        headHash = link.hash;
      }
    };
    const waveOf = (waveNumber: number) => (state as StartedExecution).waves[waveNumber - 1]!;
    /** Starts the wave's (or round's) jobs and observes every server FAILED with DRS's longest reasons. */
    const failAll = (waveNumber: number): void => {
      for (const part of partsWithoutJob(state as StartedExecution, waveOf(waveNumber))) {
        const servers = serversOfPart(state as StartedExecution, waveOf(waveNumber), part).map((server): ServerObservation => ({
          serverId: server.serverId,
          launchStatus: 'PENDING',
          hostname: astral(64),
        }));
        apply({ type: 'RecordWaveStarted', waveNumber, part, drsJobId: `drsjob-${alnum(17)}`, servers, at: at() });
      }
      for (const job of jobsOf(waveOf(waveNumber))) {
        const servers = serversOfPart(state as StartedExecution, waveOf(waveNumber), job.part).map((server): ServerObservation => ({
          serverId: server.serverId,
          launchStatus: 'FAILED',
          failureReason: astral(2048),
          failureReasonRef: { sha256: alnum(64), bytes: 8192, drsJobId: job.drsJobId, logEvent: 'LAUNCH_FAILED', logDateTime: at() },
        }));
        apply({ type: 'ObserveWave', waveNumber, drsJobId: job.drsJobId, drsJobStatus: 'COMPLETED', servers, at: at() });
      }
    };
    apply({ type: 'StartExecution', executionId: `exec-${alnum(30)}`, plan, executionType: 'DRILL', initiatedBy: 'ops', at: at() });
    for (let waveNumber = 1; waveNumber <= WAVES; waveNumber += 1) failAll(waveNumber);
    expect(state).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED', nextWave: WAVES });
    for (let round = 1; round <= MAX_WAVE_RETRIES; round += 1) {
      apply({ type: 'RetryWave', waveNumber: WAVES, requestedBy: astral(256), at: at() });
      failAll(WAVES);
    }
    apply({ type: 'SkipWave', waveNumber: WAVES, reason: astral(MAX_SKIP_REASON_LENGTH), requestedBy: astral(256), at: at() });
    apply({ type: 'Finalize', at: at() });
    expect(state.status).toBe('COMPLETED');
    console.info(`optional servers and ${MAX_WAVE_RETRIES} retries of 200 servers: largest item ${Math.round(largest / 1024)} KB`);
    expect(largest).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES);
  });
});
