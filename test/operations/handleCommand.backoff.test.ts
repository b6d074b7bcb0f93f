/**
 * After a conflict, handleCommand waits a jittered moment before it reads the stream again (full jitter over a
 * capped exponential), by default for every caller, and gives up only after MAX_COMMAND_ATTEMPTS attempts.
 * The waits are computed from an injected random and taken by an injected sleeper: nothing here sleeps.
 */
import { type Decided, decidedFrom, type ExecutionEvent, initialState } from '../../src/domain/execution';
import { InMemoryExecutionEventStore } from '../../src/adapters/memory';
import { backoffCeilingMs, CONFLICT_BACKOFF, jitteredBackoff } from '../../src/operations/conflictBackoff';
import { handleCommand, MAX_COMMAND_ATTEMPTS, TooManyConflictsError } from '../../src/operations/handleCommand';
import type { AppendResult, ExecutionEventStore, LoadedExecution } from '../../src/ports/executionEventStore';
import { at, observeLaunched, recordWaveStarted, requestPause, start } from '../fixtures/commands';
import { EXECUTION_ID } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';

/** The in-memory ledger, whose next `conflicts` appends are refused as if another writer had taken the seq. */
class ContendedStore extends InMemoryExecutionEventStore {
  appends = 0;
  conflicts = 0;

  override async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    this.appends += 1;
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      const seq = decided.events[0]?.seq ?? 0;
      return { ok: false, conflict: { kind: 'VersionConflict', executionId: loaded.executionId, seq }, stored: [] };
    }
    return super.append(loaded, decided);
  }
}

const running = (): readonly ExecutionEvent[] => givenCommands(start(), recordWaveStarted(1, at(1)), observeLaunched(1, at(2))).events;

const contended = async (conflicts: number): Promise<ContendedStore> => {
  const store = new ContendedStore();
  const seeded = await store.append(await store.load(EXECUTION_ID), decidedFrom(initialState(), running()));
  if (!seeded.ok) throw new Error('seeding conflicted');
  store.conflicts = conflicts;
  store.appends = 0;
  return store;
};

/** A backoff that records the attempt numbers it is asked to wait after, and waits for nothing. */
const recordingBackoff = () => {
  const attempts: number[] = [];
  return { attempts, backoff: async (attempt: number) => void attempts.push(attempt) };
};

describe('the jittered backoff after a conflict', () => {
  it('given random picks near 1, then each wait nears its ceiling: doubling from the base, capped', async () => {
    const waits: number[] = [];
    const backoff = jitteredBackoff(
      CONFLICT_BACKOFF,
      () => 0.999,
      async (ms) => void waits.push(ms),
    );
    for (let attempt = 1; attempt <= 8; attempt += 1) await backoff(attempt);

    expect(waits).toEqual([3, 7, 15, 31, 63, 99, 99, 99]);
    expect([1, 2, 6, 30].map((attempt) => backoffCeilingMs(attempt))).toEqual([4, 8, 100, 100]);
  });

  it('given random picks of 0, then a writer may go again at once (full jitter starts at zero)', async () => {
    const waits: number[] = [];
    const backoff = jitteredBackoff(
      CONFLICT_BACKOFF,
      () => 0,
      async (ms) => void waits.push(ms),
    );
    await backoff(1);
    await backoff(5);

    expect(waits).toEqual([0, 0]);
  });
});

describe('handleCommand under conflicts', () => {
  it('given three conflicts, when handling a command, then it waits after each, reads again and appends once', async () => {
    const store = await contended(3);
    const { attempts, backoff } = recordingBackoff();

    const outcome = await handleCommand({ store }, await store.load(EXECUTION_ID), () => requestPause(at(3)), { backoff });

    expect(outcome.ok).toBe(true);
    expect(attempts).toEqual([1, 2, 3]);
    expect(store.appends).toBe(4);
    expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['PauseRequested']);
  });

  it('given a stream that never stops conflicting, then it gives up after the default attempts, with no wait after the last', async () => {
    const store = await contended(Number.MAX_SAFE_INTEGER);
    const { attempts, backoff } = recordingBackoff();

    await expect(handleCommand({ store }, await store.load(EXECUTION_ID), () => requestPause(at(3)), { backoff })).rejects.toBeInstanceOf(
      TooManyConflictsError,
    );

    expect(store.appends).toBe(MAX_COMMAND_ATTEMPTS);
    expect(attempts).toEqual(Array.from({ length: MAX_COMMAND_ATTEMPTS - 1 }, (_, index) => index + 1));
  });

  it('given no backoff option, then the default one holds the retry on a timer of at most the base (a caller cannot forget it)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const store: ExecutionEventStore = await contended(1);
      let settled = false;
      const outcome = handleCommand({ store }, await store.load(EXECUTION_ID), () => requestPause(at(3))).then((result) => {
        settled = true;
        return result;
      });
      await new Promise((resolve) => setImmediate(resolve));

      expect({ settled, timers: jest.getTimerCount() }).toEqual({ settled: false, timers: 1 });
      await jest.advanceTimersByTimeAsync(CONFLICT_BACKOFF.baseMs);
      expect((await outcome).ok).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
