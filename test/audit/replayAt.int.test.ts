import { projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionView } from '../../projections/executionView';
import { replayAt } from '../../src/audit/replayAt';
import type { StoredEvent } from '../../src/ports/executionEventStore';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { pausedDrill } from './support/drills';

describe('replayAt on a real drill', () => {
  let world: DrillWorld;
  let executionId: string;
  let events: StoredEvent[];

  beforeAll(async () => {
    world = await startDrillWorld();
    executionId = await pausedDrill(world);
    events = await world.harness.deps.store.read(executionId);
  });
  afterAll(() => world.stop());

  const ledger = () => world.harness.deps.store;
  const ms = (stored: StoredEvent | undefined) => Date.parse(stored?.event.occurredAt ?? '');

  it('at every seq, equals the view folded event by event up to that seq', async () => {
    let folded: ExecutionView | undefined;
    for (const stored of events) {
      folded = projectExecutionView(folded, stored.event);
      const replayed = await replayAt(ledger(), executionId, { seq: stored.event.seq });
      expect(replayed).toEqual({
        ok: true,
        view: folded,
        asOf: { seq: stored.event.seq, occurredAt: stored.event.occurredAt, hash: stored.hash },
      });
    }
  });

  it('at the head, equals the view the projector stored', async () => {
    const replayed = await replayAt(ledger(), executionId, { seq: events.length });
    expect(replayed.ok && replayed.view).toEqual(await world.harness.deps.views.get(executionId));
    expect(replayed.ok && replayed.view.status).toBe('COMPLETED');
  });

  it("at an instant between two events, gives the earlier one's view", async () => {
    const gaps = events.flatMap((stored, index) => {
      const next = events[index + 1];
      return next && ms(next) > ms(stored) ? [{ before: stored, after: next }] : [];
    });
    expect(gaps.length).toBeGreaterThan(5);
    for (const { before, after } of gaps) {
      const between = new Date((ms(before) + ms(after)) / 2).toISOString();
      const replayed = await replayAt(ledger(), executionId, { at: between });
      expect(replayed.ok && replayed.asOf.seq).toBe(before.event.seq);
    }
  });

  it("at an event's instant, counts every event of that instant", async () => {
    const paused = events.find((stored) => stored.event.type === 'ExecutionPaused') as StoredEvent;
    const lastAtThatInstant = events.filter((stored) => stored.event.occurredAt === paused.event.occurredAt).at(-1) as StoredEvent;
    const replayed = await replayAt(ledger(), executionId, { at: paused.event.occurredAt });
    expect(replayed).toMatchObject({ ok: true, asOf: { seq: lastAtThatInstant.event.seq }, view: { status: 'PAUSED', nextWave: 2 } });
  });

  it('reads instants with a zone offset', async () => {
    const paused = events.find((stored) => stored.event.type === 'ExecutionPaused') as StoredEvent;
    const inParis = new Date(ms(paused) + 60_000 + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(await replayAt(ledger(), executionId, { at: inParis })).toMatchObject({ ok: true, view: { status: 'PAUSED' } });
  });

  it('after the last event, gives the final view', async () => {
    const replayed = await replayAt(ledger(), executionId, { at: '2030-01-01T00:00:00Z' });
    expect(replayed).toMatchObject({ ok: true, asOf: { seq: events.length }, view: { status: 'COMPLETED' } });
  });

  it('refuses an instant before the start', async () => {
    const start = events[0] as StoredEvent;
    const before = new Date(ms(start) - 1).toISOString();
    expect(await replayAt(ledger(), executionId, { at: before })).toEqual({
      ok: false,
      error: { kind: 'BeforeStart', executionId, at: before, startTime: start.event.occurredAt },
    });
  });

  it('refuses an unknown execution, by seq and by instant', async () => {
    for (const point of [{ seq: 1 }, { at: '2026-01-01T09:00:00Z' }]) {
      expect(await replayAt(ledger(), 'exec-unknown', point)).toEqual({
        ok: false,
        error: { kind: 'UnknownExecution', executionId: 'exec-unknown' },
      });
    }
  });

  it('refuses a seq beyond the head and points that are not points', async () => {
    expect(await replayAt(ledger(), executionId, { seq: events.length + 1 })).toEqual({
      ok: false,
      error: { kind: 'SeqOutOfRange', executionId, seq: events.length + 1, headSeq: events.length },
    });
    for (const point of [{ seq: 0 }, { seq: 2.5 }, { at: 'yesterday' }, { at: '2026-01-01T09:00:00' }, { at: '2026-13-45T09:00:00Z' }]) {
      expect(await replayAt(ledger(), executionId, point)).toMatchObject({ ok: false, error: { kind: 'InvalidPoint' } });
    }
  });
});
