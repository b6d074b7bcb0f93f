/**
 * The TamperAlarmRecords contract, run against every implementation (in memory in a unit test, DynamoDB on
 * dynalite in an integration test): one record per alarm id and execution, whoever raises it how often; the
 * first content and the first notification mark kept; listed oldest first.
 */
import type { TamperAlarmRecords } from '../../src/ports/tamperAlarmLog';
import type { TamperAlarm } from '../../src/ports/tamperAlarms';

export interface TamperAlarmRecordsUnderTest {
  records: TamperAlarmRecords;
  cleanup: () => Promise<void>;
}

export const alarm = (overrides: Partial<TamperAlarm> = {}): TamperAlarm => ({
  id: 'stream:0001',
  kind: 'LedgerItemModified',
  executionId: 'exec-1',
  seq: 3,
  source: 'stream',
  detectedAt: '2026-03-01T10:00:00.000Z',
  detail: 'Ledger item seq 3 (WaveStarted) was overwritten; attributes changed: actor.',
  ...overrides,
});

const RECORDED_AT = '2026-03-01T10:00:01.000Z';

export const describeTamperAlarmRecordsContract = (name: string, makeRecords: () => Promise<TamperAlarmRecordsUnderTest>): void => {
  describe(`TamperAlarmRecords contract: ${name}`, () => {
    let underTest: TamperAlarmRecordsUnderTest;
    let records: TamperAlarmRecords;

    beforeAll(async () => {
      underTest = await makeRecords();
      records = underTest.records;
    });
    afterAll(() => underTest?.cleanup());

    it('given no alarm, lists none', async () => {
      expect(await records.list('exec-none')).toEqual([]);
    });

    it('records a new alarm once: the same id again is found, not recorded, and the first content stays', async () => {
      const first = await records.record(alarm({ executionId: 'exec-once' }), RECORDED_AT);
      expect(first).toEqual({ created: true, stored: { ...alarm({ executionId: 'exec-once' }), recordedAt: RECORDED_AT } });
      const again = await records.record(alarm({ executionId: 'exec-once', detail: 'another text' }), '2026-03-02T00:00:00.000Z');
      expect(again).toEqual({ created: false, stored: first.stored });
      expect(await records.list('exec-once')).toEqual([first.stored]);
    });

    it('keeps an alarm without a seq without one', async () => {
      const { seq: _none, ...withoutSeq } = alarm({ executionId: 'exec-noseq' });
      const { stored } = await records.record(withoutSeq, RECORDED_AT);
      expect(stored).not.toHaveProperty('seq');
      expect(await records.list('exec-noseq')).toEqual([stored]);
    });

    it('marks an alarm notified once: a second mark changes nothing', async () => {
      const { stored } = await records.record(alarm({ executionId: 'exec-mark' }), RECORDED_AT);
      await records.markNotified(stored, { at: '2026-03-01T10:00:02.000Z', messageId: 'message-1' });
      await records.markNotified(stored, { at: '2026-03-01T10:00:03.000Z', messageId: 'message-2' });
      const [listed] = await records.list('exec-mark');
      expect(listed?.notified).toEqual({ at: '2026-03-01T10:00:02.000Z', messageId: 'message-1' });
      expect((await records.record(alarm({ executionId: 'exec-mark' }), RECORDED_AT)).stored.notified).toEqual(listed?.notified);
    });

    it('marking an alarm that was never recorded records nothing', async () => {
      await records.markNotified(
        { ...alarm({ executionId: 'exec-unrecorded' }), recordedAt: RECORDED_AT },
        { at: RECORDED_AT, messageId: 'm' },
      );
      expect(await records.list('exec-unrecorded')).toEqual([]);
    });

    it('lists oldest first, then by id, and keeps executions apart', async () => {
      await records.record(alarm({ executionId: 'exec-order', id: 'stream:b', detectedAt: '2026-03-01T10:00:05.000Z' }), RECORDED_AT);
      await records.record(alarm({ executionId: 'exec-order', id: 'stream:c', detectedAt: '2026-03-01T10:00:01.000Z' }), RECORDED_AT);
      await records.record(alarm({ executionId: 'exec-order', id: 'stream:a', detectedAt: '2026-03-01T10:00:05.000Z' }), RECORDED_AT);
      await records.record(alarm({ executionId: 'exec-other', id: 'stream:z', kind: 'LedgerItemRemoved' }), RECORDED_AT);
      expect((await records.list('exec-order')).map((listed) => listed.id)).toEqual(['stream:c', 'stream:a', 'stream:b']);
      expect((await records.list('exec-other')).map((listed) => listed.kind)).toEqual(['LedgerItemRemoved']);
    });

    it('the same id under two executions is two alarms', async () => {
      expect((await records.record(alarm({ executionId: 'exec-x', id: 'load:1', source: 'load' }), RECORDED_AT)).created).toBe(true);
      expect((await records.record(alarm({ executionId: 'exec-y', id: 'load:1', source: 'load' }), RECORDED_AT)).created).toBe(true);
    });

    it('answers copies: changing what it answered changes nothing stored', async () => {
      const { stored } = await records.record(alarm({ executionId: 'exec-copy' }), RECORDED_AT);
      stored.detail = 'changed';
      const [listed] = await records.list('exec-copy');
      if (listed) listed.detail = 'changed too';
      expect((await records.list('exec-copy'))[0]?.detail).toBe(alarm().detail);
    });
  });
};
