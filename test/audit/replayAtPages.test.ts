import { replayView } from '../../projections/projectExecutionView';
import { replayAt, type ReplayPoint } from '../../src/audit/replayAt';
import { decide, type ExecutionCommand, type ExecutionEvent, evolve, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { ReadRange, StoredEvent } from '../../src/ports/executionEventStore';

const EXECUTION = 'exec-replay-pages';
const serverIds = ['s-00000000000000001', 's-00000000000000002'];
const plan: RecoveryPlan = {
  planId: 'rp-replay-pages',
  planName: 'Replay pages',
  waves: [{ waveName: 'All', sourceServerIds: serverIds }],
};
/** Two events a second, so that instants fall on events, between them, and inside pages and across their edges. */
const at = (index: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, Math.floor(index / 2))).toISOString();

const history = (): StoredEvent[] => {
  const events: ExecutionEvent[] = [];
  let state = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    for (const event of decision.events) {
      events.push(event);
      state = evolve(state, event);
    }
  };
  apply({ type: 'StartExecution', executionId: EXECUTION, plan, executionType: 'DRILL', initiatedBy: 'ops@example.com', at: at(0) });
  const servers = serverIds.map((serverId) => ({ serverId, launchStatus: 'PENDING' as const }));
  apply({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-00000000000000001', servers, at: at(1) });
  for (let i = 0; events.length < 23; i += 1) {
    const recoveryInstanceId = i % 2 === 0 ? 'i-0replay00000000a' : 'i-0replay00000000b';
    const server = { serverId: serverIds[0] as string, launchStatus: 'IN_PROGRESS' as const, recoveryInstanceId };
    apply({ type: 'ObserveWave', waveNumber: 1, drsJobStatus: 'STARTED', servers: [server], at: at(events.length) });
  }
  return chainEvents(undefined, events);
};

const inRange = (events: readonly StoredEvent[], range: ReadRange = {}) =>
  events.filter(({ event }) => event.seq >= (range.fromSeq ?? 1) && event.seq <= (range.toSeq ?? Number.MAX_SAFE_INTEGER));

describe('replayAt over a ledger read page by page', () => {
  const events = history();
  const whole = { read: async (executionId: string, range?: ReadRange) => (executionId === EXECUTION ? inRange(events, range) : []) };
  let pagesAsked = 0;
  const paged = {
    ...whole,
    // Pages of 4 events: instants and seqs fall on the first, the last and the middle events of a page.
    readPages: async function* (executionId: string, range?: ReadRange) {
      const all = await whole.read(executionId, range);
      for (let start = 0; start < all.length; start += 4) {
        pagesAsked += 1;
        yield all.slice(start, start + 4);
      }
    },
  };

  const expectSame = async (point: ReplayPoint) => {
    const fromPages = await replayAt(paged, EXECUTION, point);
    expect(fromPages).toEqual(await replayAt(whole, EXECUTION, point));
    return fromPages;
  };

  it('at every seq, gives the view of the events up to it, as a whole read does', async () => {
    for (const stored of events) {
      const { seq } = stored.event;
      expect(await expectSame({ seq })).toEqual({
        ok: true,
        view: replayView(events.slice(0, seq).map((link) => link.event)),
        asOf: { seq, occurredAt: stored.event.occurredAt, hash: stored.hash },
      });
    }
  });

  it('at every instant on and between events, counts the events that had happened, as a whole read does', async () => {
    for (const stored of events) {
      const instant = Date.parse(stored.event.occurredAt);
      for (const moment of [instant, instant + 500]) {
        const point = { at: new Date(moment).toISOString() };
        const happened = events.filter(({ event }) => Date.parse(event.occurredAt) <= moment);
        expect(await expectSame(point)).toMatchObject({ ok: true, asOf: { seq: happened.length } });
      }
    }
  });

  it('stops reading pages once it reaches an instant', async () => {
    pagesAsked = 0;
    await replayAt(paged, EXECUTION, { at: at(5) });
    expect(pagesAsked).toBe(2);
  });

  it('fails as a whole read does: before the start, beyond the head, an unknown execution, a bad point', async () => {
    expect(await expectSame({ at: '2025-12-31T23:59:59Z' })).toMatchObject({ ok: false, error: { kind: 'BeforeStart' } });
    expect(await expectSame({ seq: events.length + 1 })).toEqual({
      ok: false,
      error: { kind: 'SeqOutOfRange', executionId: EXECUTION, seq: events.length + 1, headSeq: events.length },
    });
    expect(await replayAt(paged, 'exec-unknown', { seq: 1 })).toEqual(await replayAt(whole, 'exec-unknown', { seq: 1 }));
    expect(await replayAt(paged, 'exec-unknown', { seq: 1 })).toMatchObject({ ok: false, error: { kind: 'UnknownExecution' } });
    expect(await expectSame({ seq: 0 })).toMatchObject({ ok: false, error: { kind: 'InvalidPoint' } });
    expect(await expectSame({ at: 'yesterday' })).toMatchObject({ ok: false, error: { kind: 'InvalidPoint' } });
  });
});
