/**
 * Every ledger item fits DynamoDB's 400 KB for every plan the validator accepts, whatever DRS returns:
 * whole executions of the largest plans are decided with incompressible texts at their bounds (4-byte
 * characters in names, random hostnames, 2 KB failure reasons on every server of a wave) and every item
 * the store would write (format 3, each with its snapshot, as every K-th carries) is measured the way DynamoDB
 * measures it. Format 3 packs the event as JSON, where a control character takes 6 bytes (`\u0001`): DRS's texts
 * made of them are the worst case of that encoding.
 */
import {
  decide,
  decidedFrom,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  initialState,
  jobsOf,
  MAX_SNAPSHOT_ID_LENGTH,
  serversOfPart,
  partsWithoutJob,
  type ServerObservation,
} from '../../../src/domain/execution';
import { chainEvents } from '../../../src/domain/ledger';
import {
  MAX_APPROVER_BYTES_PER_PLAN,
  MAX_APPROVER_PATTERN_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SERVERS_PER_PLAN,
  MAX_SERVERS_PER_WAVE,
  MAX_WAVES,
  type RecoveryPlan,
  validatePlan,
} from '../../../src/domain/plan';
import { dynamoItemBytes } from '../../../src/adapters/dynamodb/itemSize';
import {
  assertLedgerItemFits,
  LedgerItemTooLargeError,
  MAX_LEDGER_ITEM_BYTES,
  MAX_PACKED_EVENT_JSON_BYTES,
} from '../../../src/adapters/dynamodb/ledgerItemSize';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';

/** A small deterministic generator: the worst case must be the same in every run. */
const prng = (seed: number) => () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const random = prng(42);
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const alnum = (length: number): string => Array.from({ length }, () => ALNUM[Math.floor(random() * ALNUM.length)]).join('');
/** C0 control characters without a short JSON escape: 1 UTF-8 byte each, 6 bytes of JSON (`\u0001`). */
const controls = (length: number): string =>
  Array.from({ length }, () =>
    String.fromCharCode(
      [1, 2, 3, 4, 5, 6, 7, 11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31][
        Math.floor(random() * 26)
      ] as number,
    ),
  ).join('');
/** Code points above U+FFFF: 4 UTF-8 bytes each, and random, so gzip gains little. */
const astral = (length: number): string =>
  Array.from({ length }, () => String.fromCodePoint(0x20000 + Math.floor(random() * 0xa000))).join('');

/** Who approves every wave in these runs. */
const APPROVER = 'arn:aws:sts::123456789012:assumed-role/*';

/** Approver patterns for one wave: its share of the plan's approver bytes, in patterns as long as allowed. */
const approversOf = (bytes: number): string[] => {
  const prefix = 'arn:aws:iam::123456789012:user/';
  const patterns: string[] = [APPROVER];
  for (let left = bytes - APPROVER.length; left > prefix.length; left -= MAX_APPROVER_PATTERN_LENGTH) {
    patterns.push(prefix + alnum(Math.min(left, MAX_APPROVER_PATTERN_LENGTH) - prefix.length));
  }
  return patterns;
};

/** The largest plan of this shape: longest names, every wave requiring approval, approver bytes at the plan's bound. */
const planOf = (waves: number, serversPerWave: number): RecoveryPlan => ({
  planId: 'plan-largest',
  planName: astral(MAX_NAME_LENGTH),
  rtoTargetMinutes: 240,
  waves: Array.from({ length: waves }, (_, wave) => ({
    waveName: astral(MAX_NAME_LENGTH),
    sourceServerIds: Array.from({ length: serversPerWave }, () => `s-${alnum(17)}`),
    pauseBeforeWave: wave % 2 === 1,
    approval: { approvers: approversOf(Math.floor(MAX_APPROVER_BYTES_PER_PLAN / waves)), timeoutMinutes: 60 },
  })),
});

interface Measured {
  largest: number;
  largestType: string;
  items: number;
  /** The longest event JSON a format-3 item packed (gzipped when long). */
  largestJson: number;
}

/** What DRS says of a server: its hostname, a failure reason (made of `text`, at the lengths given). */
type DrsText = (length: number) => string;

/**
 * Decides a whole execution, failing its last wave with long reasons on every server (DRS's texts made of
 * `drsText`); measures every item.
 */
const runWorstCase = (plan: RecoveryPlan, drsText: DrsText = alnum): Measured => {
  let state: ExecutionState = initialState();
  let headHash: string | undefined;
  let minute = 0;
  const measured: Measured = { largest: 0, largestType: '', items: 0, largestJson: 0 };
  const at = () => new Date(Date.UTC(2026, 0, 1) + (minute += 1) * 60_000).toISOString();
  const apply = (command: ExecutionCommand): ExecutionEvent[] => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${JSON.stringify(decision.rejection)}`);
    if (decision.refusal) throw new Error(`${command.type} refused: ${JSON.stringify(decision.refusal)}`);
    const { states } = decidedFrom(state, decision.events);
    for (const [index, link] of chainEvents(headHash, decision.events, states).entries()) {
      state = states[index] as ExecutionState;
      const item = toEventItem(link, state);
      assertLedgerItemFits(item, link);
      const bytes = dynamoItemBytes(item);
      measured.items += 1;
      if (bytes > measured.largest) Object.assign(measured, { largest: bytes, largestType: link.event.type });
      measured.largestJson = Math.max(measured.largestJson, Buffer.byteLength(JSON.stringify(link.event)));
      headHash = link.hash;
    }
    return decision.events;
  };
  apply({
    type: 'StartExecution',
    recoverAsOf: '2025-12-31T23:00:00.000Z',
    executionId: `exec-${alnum(30)}`,
    plan,
    executionType: 'DRILL',
    initiatedBy: astral(256),
    // Started by a verified principal (the longest claim beside it): its waves can then be approved by others.
    identity: { principal: `arn:aws:iam::123456789012:user/${alnum(64)}`, claim: astral(256) },
    at: at(),
  });
  for (let waveNumber = 1; waveNumber <= plan.waves.length; waveNumber += 1) {
    // Approved by a verified principal with the longest words the ledger keeps: comment, ticket and claim.
    if (state.status === 'PAUSED') {
      apply({
        type: 'Resume',
        resumedBy: astral(256),
        identity: { principal: `arn:aws:sts::123456789012:assumed-role/${alnum(64)}/${alnum(64)}`, claim: astral(256) },
        comment: astral(2048),
        ticket: alnum(128),
        at: at(),
      });
    }
    if (state.status !== 'RUNNING') throw new Error(`wave ${waveNumber}: execution is ${state.status}`);
    const last = waveNumber === plan.waves.length;
    const wave = () => (state.status === 'NOT_STARTED' ? undefined : state.waves[waveNumber - 1]);
    for (const part of partsWithoutJob(state, wave()!)) {
      const servers = serversOfPart(state, wave()!, part).map((server): ServerObservation => ({
        serverId: server.serverId,
        launchStatus: 'PENDING',
        hostname: drsText(255),
        // A recovery as of a moment records the snapshot chosen for each server: its id at the longest the ledger takes.
        recoveryPoint: { pointInTime: at(), snapshotId: `pit-${alnum(MAX_SNAPSHOT_ID_LENGTH - 4)}` },
      }));
      apply({ type: 'RecordWaveStarted', waveNumber, part, drsJobId: `drsjob-${alnum(17)}`, servers, at: at() });
    }
    for (const job of jobsOf(wave()!)) {
      const servers = serversOfPart(state, wave()!, job.part).map((server): ServerObservation =>
        last
          ? {
              serverId: server.serverId,
              launchStatus: 'FAILED',
              failureReason: `Encoded authorization failure message: ${drsText(2048)}`,
              failureReasonRef: { sha256: alnum(64), bytes: 2087, drsJobId: job.drsJobId, logEvent: 'LAUNCH_FAILED', logDateTime: at() },
            }
          : {
              serverId: server.serverId,
              launchStatus: 'LAUNCHED',
              recoveryInstanceId: `i-${alnum(17)}`,
              recoveryPoint: { pointInTime: '2026-01-01T00:00:00.123456789+00:00' },
            },
      );
      apply({ type: 'ObserveWave', waveNumber, drsJobId: job.drsJobId, drsJobStatus: 'COMPLETED', servers, at: at() });
    }
  }
  if (state.status === 'RUNNING') apply({ type: 'Finalize', at: at() });
  expect(state.status).toBe('FAILED');
  return measured;
};

describe('ledger items for the largest plans the validator accepts', () => {
  const shapes: Array<[string, number, number]> = [
    [
      `${MAX_SERVERS_PER_PLAN / MAX_SERVERS_PER_WAVE} waves of ${MAX_SERVERS_PER_WAVE} servers`,
      MAX_SERVERS_PER_PLAN / MAX_SERVERS_PER_WAVE,
      MAX_SERVERS_PER_WAVE,
    ],
    [`${MAX_WAVES} waves of ${MAX_SERVERS_PER_PLAN / MAX_WAVES} servers`, MAX_WAVES, MAX_SERVERS_PER_PLAN / MAX_WAVES],
  ];

  it.each(shapes)("%s: every item stays under the store's limit", (_label, waves, perWave) => {
    const plan = planOf(waves, perWave);
    const validation = validatePlan(plan);
    expect(validation.ok ? [] : validation.issues.slice(0, 3)).toEqual([]);
    const measured = runWorstCase(plan);
    // Reported in the closing note and the reliability table.
    console.info(`${_label}: ${measured.items} items, largest ${Math.round(measured.largest / 1024)} KB (${measured.largestType})`);
    expect(measured.largest).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES);
    expect(measured.largestJson).toBeLessThanOrEqual(MAX_PACKED_EVENT_JSON_BYTES);
  });

  it.each(shapes)(
    '%s, DRS texts of control characters (6 bytes each in JSON): every item stays under the limit',
    (_label, waves, perWave) => {
      const measured = runWorstCase(planOf(waves, perWave), controls);
      console.info(
        `${_label}, control characters: ${measured.items} items, largest ${Math.round(measured.largest / 1024)} KB (${measured.largestType})`,
      );
      expect(measured.largest).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES);
      expect(measured.largestJson).toBeLessThanOrEqual(MAX_PACKED_EVENT_JSON_BYTES);
    },
  );

  it('one server more than the plan limit is refused by the validator', () => {
    const plan = planOf(MAX_SERVERS_PER_PLAN / MAX_SERVERS_PER_WAVE, MAX_SERVERS_PER_WAVE);
    plan.waves.push({ waveName: 'one too many', sourceServerIds: [`s-${alnum(17)}`] });
    const validation = validatePlan(plan);
    expect(validation.ok).toBe(false);
    expect(!validation.ok && validation.issues[0]?.message).toContain(`at most ${MAX_SERVERS_PER_PLAN} servers`);
  });

  it('an item over the limit is refused with the event, its seq and its size named', () => {
    const event = {
      executionId: 'exec-1',
      planId: 'p',
      seq: 7,
      type: 'WavePolled',
      occurredAt: '',
      actor: 'system',
      schemaVersion: 1,
      data: {},
    };
    const item = { blob: { S: 'x'.repeat(MAX_LEDGER_ITEM_BYTES) } };
    expect(() => assertLedgerItemFits(item, { event: event as unknown as ExecutionEvent, prevHash: '', hash: '' })).toThrow(
      LedgerItemTooLargeError,
    );
    expect(() => assertLedgerItemFits(item, { event: event as unknown as ExecutionEvent, prevHash: '', hash: '' })).toThrow(
      /exec-1: WavePolled at seq 7 would be a 351 KB item/,
    );
  });
});
