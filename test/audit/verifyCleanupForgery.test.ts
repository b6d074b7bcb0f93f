/**
 * A forger who can write the events table appends cleanup records, chained validly, where no drill has ended:
 * before the end, or after an expected head that is not an ended DRILL. Verification refuses both.
 */
import { verifyRecords } from '../../src/audit/verifyRecords';
import type { ExecutionEvent } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { poll } from '../../src/operations/poll';
import { startExecution } from '../../src/operations/startExecution';
import type { StoredEvent } from '../../src/ports/executionEventStore';
import type { LedgerRecord } from '../../src/ports/ledgerRecords';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';

/** A DRILL running wave 2, as stored (wave 1 launched). */
const runningDrill = async (): Promise<StoredEvent[]> => {
  const world = new MemoryWorld();
  await world.givenPlan(samplePlan);
  await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
  world.clock.advance(30);
  world.drs.launchAll(world.drs.jobOfWave(1).jobId);
  await poll(world.deps, { executionId: EXECUTION, planId: PLAN_ID });
  return world.ledger.read(EXECUTION);
};

/** The forger's cleanup record, chained onto the real head. */
const forgedCleanup = (head: StoredEvent): StoredEvent => {
  const event: ExecutionEvent = {
    executionId: EXECUTION,
    planId: PLAN_ID,
    seq: head.event.seq + 1,
    type: 'CleanupStarted',
    occurredAt: head.event.occurredAt,
    actor: 'system',
    schemaVersion: 1,
    data: { dueAt: head.event.occurredAt, keepAliveMinutes: 0 },
  };
  const [chained] = chainEvents(head.hash, [event]);
  return chained as StoredEvent;
};

const recordsOf = (stored: readonly StoredEvent[]): LedgerRecord[] =>
  stored.map((item) => ({ seq: item.event.seq, readable: true, stored: item }));

describe('cleanup records a forger appends where no drill ended', () => {
  it('given a cleanup record before the end, then the chain is broken there, as inserted', async () => {
    const real = await runningDrill();
    expect((real.at(-1) as StoredEvent).event.type).not.toBe('Finalized');
    const forged = [...real, forgedCleanup(real.at(-1) as StoredEvent)];
    expect(verifyRecords(EXECUTION, recordsOf(forged))).toMatchObject({ ok: false, firstBadSeq: real.length + 1, problem: 'inserted' });
  });

  it('given a cleanup record after an expected head that is not an ended drill, then verification refuses it', async () => {
    const real = await runningDrill();
    const head = real.at(-1) as StoredEvent;
    const forged = [...real, forgedCleanup(head)];
    const verdict = verifyRecords(EXECUTION, recordsOf(forged), { expectedHead: { seq: head.event.seq, hash: head.hash } });
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: head.event.seq + 1, problem: 'inserted' });
    expect(verifyRecords(EXECUTION, recordsOf(real), { expectedHead: { seq: head.event.seq, hash: head.hash } })).toMatchObject({
      ok: true,
    });
  });
});
