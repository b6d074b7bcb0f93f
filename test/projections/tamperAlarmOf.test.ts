/**
 * The tamper alarm a MODIFY or REMOVE record raises: its id (the same for every delivery of the record), its
 * kind, and a detail that says what changed without ever carrying what the tamperer wrote.
 */
import { utf8Length } from '../../src/domain/text';
import type { LedgerItemChange } from '../../src/ports/ledgerStream';
import { describeLedgerItemChange, MAX_TAMPER_DETAIL_BYTES, tamperAlarmOf, UNREADABLE_EXECUTION } from '../../src/projector/tamperAlarmOf';

const NOW = '2026-03-01T10:00:00.000Z';
const change = (overrides: Partial<LedgerItemChange> = {}): LedgerItemChange => ({
  sequenceNumber: '100000000000000000001',
  eventId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  change: 'modified',
  executionId: 'exec-1',
  seq: 7,
  recordedAt: '2026-03-01T09:59:58.000Z',
  changedAttributes: ['actor', 'hash'],
  previousType: 'ExecutionResumed',
  ...overrides,
});

describe('tamperAlarmOf', () => {
  it('given an overwrite, raises LedgerItemModified from the stream, keyed by the record eventID, at the time the stream recorded', () => {
    expect(tamperAlarmOf(change(), NOW)).toStrictEqual({
      id: 'stream:0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      kind: 'LedgerItemModified',
      executionId: 'exec-1',
      seq: 7,
      source: 'stream',
      detectedAt: '2026-03-01T09:59:58.000Z',
      detail: 'Ledger item seq 7 (ExecutionResumed) was overwritten; attributes changed: actor, hash.',
    });
  });

  it('given a deletion, raises LedgerItemRemoved; without a recorded time, detected now', () => {
    const { recordedAt: _none, ...rest } = change({ change: 'removed' });
    expect(tamperAlarmOf(rest, NOW)).toMatchObject({
      kind: 'LedgerItemRemoved',
      detectedAt: NOW,
      detail: 'Ledger item seq 7 (ExecutionResumed) was deleted.',
    });
  });

  it('is the same alarm for the same record delivered twice, another for another record', () => {
    expect(tamperAlarmOf(change(), NOW).id).toBe(tamperAlarmOf(change(), '2027-01-01T00:00:00.000Z').id);
    expect(tamperAlarmOf(change({ eventId: 'ffff' }), NOW).id).not.toBe(tamperAlarmOf(change(), NOW).id);
  });

  it('an eventID that is no safe id is hashed, never used as a key or shown', () => {
    const id = tamperAlarmOf(change({ eventId: '<script>\u001b[2J' }), NOW).id;
    expect(id).toMatch(/^stream:sha256-[0-9a-f]{64}$/);
  });

  it('keys that cannot be read: recorded under a fixed name, and said so', () => {
    const { seq: _none, ...rest } = change({ executionId: undefined });
    const alarm = tamperAlarmOf(rest as LedgerItemChange, NOW);
    expect(alarm.executionId).toBe(UNREADABLE_EXECUTION);
    expect(alarm).not.toHaveProperty('seq');
    expect(alarm.detail).toBe('A ledger item whose key cannot be read was overwritten; attributes changed: actor, hash.');
  });
});

describe('describeLedgerItemChange: what the tamperer wrote never reaches an inbox or a report', () => {
  it('attribute names that are not names the ledger uses are counted, not shown', () => {
    const detail = describeLedgerItemChange(
      change({ changedAttributes: ['actor', 'x\u001b]0;pwned\u0007', '<img src=x onerror=alert(1)>'] }),
    );
    expect(detail).toBe('Ledger item seq 7 (ExecutionResumed) was overwritten; attributes changed: actor and 2 with names not shown.');
  });

  it('an event type that is not a type name is left out', () => {
    expect(describeLedgerItemChange(change({ previousType: 'Started\nVerification PASSED', change: 'removed' }))).toBe(
      'Ledger item seq 7 was deleted.',
    );
  });

  it('a thousand changed attributes make one bounded line', () => {
    const many = Array.from({ length: 1000 }, (_, index) => `attribute${index}`);
    const detail = describeLedgerItemChange(change({ changedAttributes: many }));
    expect(detail).toContain('attribute0, attribute1');
    expect(detail).toContain('and 988 more');
    expect(utf8Length(detail)).toBeLessThanOrEqual(MAX_TAMPER_DETAIL_BYTES);
    expect(detail).not.toMatch(/[\u0000-\u001f]/);
  });

  it('says when the record carries nothing to compare', () => {
    const { changedAttributes: _none, ...rest } = change();
    expect(describeLedgerItemChange(rest)).toBe(
      'Ledger item seq 7 (ExecutionResumed) was overwritten (the stream record carries no old image to compare).',
    );
  });
});
