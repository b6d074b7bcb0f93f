/**
 * The execution page's poll reads the ledger (a few events) every 2 s, and the details (some 370 KB for 4,000
 * servers) only when the ledger's head moved since they were read, or after an action. Counted in requests.
 */
import { ExecutionReads, type LedgerReading } from '../../src/console/view/executionReads';
import { HeadGate, progressGapMs, timelineGapMs } from '../../src/console/view/headGate';

interface FakeDetails {
  ledgerSeq?: number;
  totalServers: number;
  readAt: number;
}

/** A server whose ledger head the test moves; it counts what the page asks of it. */
const server = (totalServers = 25) => {
  let headSeq = 4;
  let events: Array<{ seq: number; type: string }> = [];
  let clock = 0;
  const asked = { ledger: 0, details: 0 };
  const reads = new ExecutionReads<LedgerReading, FakeDetails>(
    {
      ledger: () => {
        asked.ledger += 1;
        const reading = { headSeq, addedEvents: events };
        events = [];
        return Promise.resolve(reading);
      },
      details: () => {
        asked.details += 1;
        return Promise.resolve({ ledgerSeq: headSeq, totalServers, readAt: clock });
      },
    },
    2000,
    () => clock,
  );
  return {
    reads,
    asked,
    /** Events recorded on the server: the head moves. */
    record: (...types: string[]) => {
      for (const type of types) {
        headSeq += 1;
        events.push({ seq: headSeq, type });
      }
    },
    /** Polls as the page does, 2 s apart. */
    poll: async (ended = false) => {
      clock += 2000;
      return reads.poll(ended);
    },
  };
};

describe("the execution page's reads", () => {
  it('reads the details on the first poll, then not again while the head stays', async () => {
    const { asked, poll } = server();
    expect((await poll()).details).toBeDefined();
    for (let round = 0; round < 10; round += 1) expect((await poll()).details).toBeUndefined();
    expect(asked).toEqual({ ledger: 11, details: 1 });
  });

  it('reads them again once the head moved, once', async () => {
    const { asked, poll, record } = server();
    await poll();
    record('WavePolled');
    expect((await poll()).details).toBeDefined();
    await poll();
    expect(asked.details).toBe(2);
  });

  it('reads them after an action whatever the head (a refusal may record nothing)', async () => {
    const { asked, poll, reads } = server();
    await poll();
    reads.force();
    await poll();
    await poll();
    expect(asked.details).toBe(2);
  });

  it('keeps a force asked while a read was under way for the next poll', () => {
    const gate = new HeadGate();
    const ticket = gate.begin();
    gate.force();
    gate.done(ticket, 7);
    expect(gate.due(7)).toBe(true);
    gate.done(gate.begin(), 7);
    expect(gate.due(7)).toBe(false);
  });

  it('never reads them once the execution ended', async () => {
    const { asked, poll, record } = server();
    await poll();
    record('NotificationSent');
    await poll(true);
    expect(asked.details).toBe(1);
  });

  it("for 4,000 servers, reads servers' progress every 8 s, but a pause, a wave's end or the end at once", async () => {
    const { asked, poll, record } = server(4000);
    await poll();
    // Progress every 2 s: the details every 4th poll (8 s), not every poll.
    for (let round = 0; round < 8; round += 1) {
      record('WavePolled');
      await poll();
    }
    expect(asked.details).toBe(1 + 2);
    record('WavePolled', 'WaveCompleted', 'ExecutionPaused');
    expect((await poll()).details).toBeDefined();
    // Progress the last read reflects is not read again.
    expect((await poll()).details).toBeUndefined();
  });

  it("for up to 1,000 servers, reads servers' progress at every poll that brings some", async () => {
    const { asked, poll, record } = server(1000);
    await poll();
    for (let round = 0; round < 4; round += 1) {
      record('WavePolled');
      await poll();
    }
    expect(asked.details).toBe(5);
  });

  it('paces progress and the chart by their size', () => {
    expect([0, 25, 1000, 1001, 4000].map((servers) => progressGapMs(2000, servers))).toEqual([2000, 2000, 2000, 4000, 8000]);
    expect([0, 256 * 1024, 256 * 1024 + 1, 1_500_000].map((bytes) => timelineGapMs(10_000, bytes))).toEqual([
      10_000, 10_000, 20_000, 60_000,
    ]);
  });
});
