/**
 * ReadinessAssessed is an item of its own: with the most findings it records, every text at its bound (DRS's
 * texts of quotes, backslashes and 4-byte characters, which JSON and gzip handle worst), the longest override
 * reason and principal, and the snapshot of the largest plan's state, it stays well under the store's limit.
 */
import { decide, decidedFrom, type ExecutionEvent, initialState } from '../../../src/domain/execution';
import { chainEvents } from '../../../src/domain/ledger';
import { MAX_SERVERS_PER_PLAN, MAX_SERVERS_PER_WAVE, MAX_NAME_LENGTH, type RecoveryPlan, validatePlan } from '../../../src/domain/plan';
import {
  MAX_FINDING_REASON_BYTES,
  MAX_OVERRIDE_REASON_LENGTH,
  MAX_RECORDED_FINDINGS,
  READINESS_CODES,
  type ReadinessFinding,
} from '../../../src/domain/readiness';
import { utf8Length } from '../../../src/domain/text';
import { dynamoItemBytes } from '../../../src/adapters/dynamodb/itemSize';
import { assertLedgerItemFits, MAX_LEDGER_ITEM_BYTES } from '../../../src/adapters/dynamodb/ledgerItemSize';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';

/** mulberry32: the worst case must be the same in every run. */
let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const alnum = (length: number) => Array.from({ length }, () => ALNUM[Math.floor(random() * ALNUM.length)]).join('');
const astral = (length: number) => Array.from({ length }, () => String.fromCodePoint(0x20000 + Math.floor(random() * 0xa000))).join('');
/** Quotes and backslashes (two JSON bytes each) between random 4-byte characters: the worst of both encodings. */
const awkward = (length: number) => Array.from({ length }, () => (random() < 0.5 ? (random() < 0.5 ? '"' : '\\') : astral(1))).join('');

const largestPlan = (): RecoveryPlan => ({
  planId: 'plan-largest',
  planName: astral(MAX_NAME_LENGTH),
  rpoTargetMinutes: 15,
  waves: Array.from({ length: MAX_SERVERS_PER_PLAN / MAX_SERVERS_PER_WAVE }, () => ({
    waveName: astral(MAX_NAME_LENGTH),
    sourceServerIds: Array.from({ length: MAX_SERVERS_PER_WAVE }, () => `s-${alnum(17)}`),
  })),
});

describe('the ReadinessAssessed item', () => {
  it.each([
    ['4-byte characters', astral],
    ['quotes, backslashes and 4-byte characters', awkward],
  ])('with %s at every bound stays well under the limit', (_label, text) => {
    const plan = largestPlan();
    const validation = validatePlan(plan);
    expect(validation.ok ? [] : validation.issues.slice(0, 3)).toEqual([]);
    const findings: ReadinessFinding[] = Array.from({ length: MAX_RECORDED_FINDINGS + 50 }, (_, n) => ({
      severity: n % 2 === 0 ? 'BLOCKING' : 'WARNING',
      code: READINESS_CODES[n % READINESS_CODES.length] ?? 'TARGET_UNREACHABLE',
      reason: text(MAX_FINDING_REASON_BYTES),
      serverId: `s-${alnum(17)}`,
      waveNumber: 100,
    }));
    const decision = decide(
      {
        type: 'StartExecution',
        executionId: `exec-${alnum(30)}`,
        plan,
        executionType: 'RECOVERY',
        initiatedBy: astral(256),
        identity: { principal: `arn:aws:sts::123456789012:assumed-role/${alnum(64)}/${alnum(64)}`, claim: astral(256) },
        readiness: { findings, override: { reason: text(MAX_OVERRIDE_REASON_LENGTH) } },
        at: '2026-12-01T10:00:00.000Z',
      },
      initialState(),
    );
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    const { states } = decidedFrom(initialState(), decision.events);
    const links = chainEvents(undefined, decision.events, states);
    const index = decision.events.findIndex((event: ExecutionEvent) => event.type === 'ReadinessAssessed');
    const link = links[index];
    if (!link) throw new Error('no ReadinessAssessed');
    const assessed = link.event.type === 'ReadinessAssessed' ? link.event.data : undefined;
    expect(assessed?.findings).toHaveLength(MAX_RECORDED_FINDINGS);
    for (const finding of assessed?.findings ?? []) expect(utf8Length(finding.reason)).toBeLessThanOrEqual(MAX_FINDING_REASON_BYTES);
    const item = toEventItem(link, states[index]!);
    assertLedgerItemFits(item, link);
    const bytes = dynamoItemBytes(item);
    console.info(`ReadinessAssessed (${_label}), largest plan: ${Math.round(bytes / 1024)} KB`);
    // Well under: the state snapshot of a 4,000-server plan takes most of it, the findings far less.
    expect(bytes).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES - 50 * 1024);
  });
});
