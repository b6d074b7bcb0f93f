import { waveFailureNotice } from '../../../src/domain/notification';

const facts = {
  executionId: 'exec-1',
  planId: 'rp-1',
  planName: 'Shop\u202Eevil',
  executionType: 'DRILL' as const,
  waveNumber: 2,
  waveName: 'apps',
  pausedAt: '2026-12-01T10:00:00.000Z',
  reason: '1 of 3 servers failed to launch (s-1 FAILED: no capacity)\nFAKE LINE',
  failedServers: 1,
  totalServers: 3,
  retries: 1,
  pauseSeq: 17,
};

describe('the notice of a wave that failed under onWaveFailure PAUSE', () => {
  it('says what failed and gives the retry and skip commands', () => {
    const notice = waveFailureNotice(facts);
    expect(notice.subject).toMatch(/^Wave failed: drill wave 2 of /);
    expect(notice.message).toContain('paused on the failure of wave 2 (apps) after 1 retry');
    expect(notice.message).toContain('1 of its 3 servers did not launch.');
    expect(notice.message).toContain('drs-ledger retry exec-1 --wave 2');
    expect(notice.message).toContain('drs-ledger skip exec-1 --wave 2 --reason "<why>"');
    expect(notice.attributes).toEqual({
      executionId: 'exec-1',
      planId: 'rp-1',
      status: 'PAUSED',
      notice: 'WaveFailed',
      waveNumber: '2',
      pauseSeq: '17',
    });
  });

  it('shows invisible characters from the ledger as escapes, so no text forges a line', () => {
    const { message } = waveFailureNotice(facts);
    expect(message).not.toContain('\u202E');
    expect(message.split('\n').some((line) => line.startsWith('FAKE LINE'))).toBe(false);
  });
});
