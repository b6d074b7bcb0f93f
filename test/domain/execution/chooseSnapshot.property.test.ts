import fc from 'fast-check';
import { chooseSnapshot, type SnapshotCandidate } from '../../../src/domain/execution';

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const minute = (offset: number) => new Date(BASE + offset * 60_000).toISOString();

/** Snapshots around the moment: some taken, some still being created (no timestamp), some with a time DRS garbled. */
const snapshot = fc.record({
  snapshotId: fc.stringMatching(/^pit-[0-9a-f]{6}$/),
  offset: fc.integer({ min: -600, max: 600 }),
  kind: fc.constantFrom('taken', 'taken', 'taken', 'in-progress', 'garbled'),
});
const snapshots = fc.array(snapshot, { maxLength: 30 }).map((list) =>
  list.map(({ snapshotId, offset, kind }): SnapshotCandidate & { offset: number } => ({
    snapshotId,
    offset,
    ...(kind === 'taken' ? { timestamp: minute(offset) } : kind === 'garbled' ? { timestamp: 'not a time' } : {}),
  })),
);

describe('the snapshot a recovery "as of" a moment launches from', () => {
  it('is the newest completed one at or before the moment, never one still being created', () => {
    fc.assert(
      fc.property(snapshots, fc.integer({ min: -600, max: 600 }), (list, asOfOffset) => {
        const asOf = minute(asOfOffset);
        const chosen = chooseSnapshot(list, asOf);
        const eligible = list.filter((candidate) => candidate.timestamp !== undefined && candidate.timestamp !== 'not a time');
        const atOrBefore = eligible.filter((candidate) => candidate.offset <= asOfOffset);
        if (atOrBefore.length === 0) {
          expect(chosen).toBeUndefined();
          return;
        }
        expect(chosen?.timestamp).toBeDefined();
        expect(chosen?.offset).toBeLessThanOrEqual(asOfOffset);
        expect(chosen?.offset).toBe(Math.max(...atOrBefore.map((candidate) => candidate.offset)));
      }),
    );
  });

  it('does not depend on the order DRS lists them in: a takeover recomputes the same choice', () => {
    fc.assert(
      fc.property(snapshots, fc.integer({ min: -600, max: 600 }), fc.nat(), (list, asOfOffset, seed) => {
        const shuffled = [...list].sort((a, b) => ((a.offset * 7919 + seed) % 13) - ((b.offset * 7919 + seed) % 13));
        const asOf = minute(asOfOffset);
        expect(chooseSnapshot(shuffled, asOf)?.snapshotId).toBe(chooseSnapshot(list, asOf)?.snapshotId);
        expect(chooseSnapshot([...list].reverse(), asOf)?.snapshotId).toBe(chooseSnapshot(list, asOf)?.snapshotId);
      }),
    );
  });
});
