import { actionBody, missingSkipReason, offersFor, waveOfAction } from '../../src/console/view/actions';
import type { ConsoleUser, ExecutionDetails } from '../../src/console/wire';

const BOB: ConsoleUser = { name: 'bob', principalArn: 'arn:aws:iam::000000000000:user/bob', rights: ['drill'] };
const CAROL: ConsoleUser = { name: 'carol', principalArn: 'arn:aws:iam::000000000000:user/carol', rights: [] };

const failedOnWave2: ExecutionDetails = {
  executionId: 'exec-1',
  planId: 'rp-three-tier',
  planName: 'Production DR Plan',
  status: 'PAUSED',
  pauseReason: 'WAVE_FAILED',
  nextWave: 2,
  executionType: 'DRILL',
  initiatedBy: 'ops',
  startTime: '2026-12-01T10:00:00.000Z',
  currentWave: 2,
  totalWaves: 3,
  totalServers: 7,
  waveStatuses: [],
  serverExecutions: [],
  seq: 12,
};

const shown = (offers: ReturnType<typeof offersFor>): string[] =>
  Object.entries(offers)
    .filter(([, offer]) => offer.shown)
    .map(([verb, offer]) => `${verb}${offer.enabled ? '' : ' (disabled)'}`);

describe('the actions offered on an execution paused on a failed wave', () => {
  it('are retry, skip and cancel: never resume, which the handler refuses', () => {
    expect(shown(offersFor(failedOnWave2, BOB))).toEqual(['cancel', 'retry', 'skip']);
  });

  it('are disabled, saying why, for a user without the drill right', () => {
    const offers = offersFor(failedOnWave2, CAROL);
    expect(shown(offers)).toEqual(['cancel (disabled)', 'retry (disabled)', 'skip (disabled)']);
    expect(offers.retry.note).toBe('carol lacks the drill right');
  });

  it('are not offered on a pause before a wave', () => {
    const { pauseReason: _failure, ...beforeWave } = failedOnWave2;
    expect(shown(offersFor(beforeWave, BOB))).toEqual(['resume', 'cancel']);
  });

  it('name the failed wave, signed or not, and a skip carries its reason', () => {
    expect(waveOfAction('retry', failedOnWave2, undefined)).toBe(2);
    expect(actionBody('skip', failedOnWave2, BOB, { reason: '  restored by hand ' })).toEqual({
      as: 'bob',
      reason: 'restored by hand',
      waveNumber: 2,
    });
  });

  it('a retry names the round the page shows as next, so a press on a stale page starts no round unasked', () => {
    const wave = (retries?: number) => ({
      waveNumber: 2,
      waveName: 'applications',
      status: 'FAILED' as const,
      pauseBeforeWave: false,
      serversLaunched: 1,
      serversCompleted: 1,
      serversFailed: 2,
      ...(retries === undefined ? {} : { retries }),
    });
    expect(actionBody('retry', { ...failedOnWave2, waveStatuses: [wave()] }, BOB)).toEqual({ as: 'bob', waveNumber: 2, retryRound: 1 });
    expect(actionBody('retry', { ...failedOnWave2, waveStatuses: [wave(1)] }, undefined)).toEqual({ waveNumber: 2, retryRound: 2 });
    expect(actionBody('skip', { ...failedOnWave2, waveStatuses: [wave(1)] }, BOB, { reason: 'by hand' })).not.toHaveProperty('retryRound');
  });

  it('a skip needs a reason', () => {
    expect(missingSkipReason('  ')).toBe('A reason is required to skip a wave (it is recorded as a deviation)');
    expect(missingSkipReason('ok')).toBeUndefined();
  });
});
