import { validatePlan } from '../../../src/domain/plan';
import { APP_1, APP_2, DB_1, samplePlan, serverId } from '../../fixtures/plan';

const withWave2 = (extra: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({
  ...samplePlan,
  ...top,
  waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, ...extra } : wave)),
});

const issuesOf = (input: unknown) => {
  const result = validatePlan(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.issues;
};

describe('a plan with optional servers and onWaveFailure', () => {
  it('accepts optional servers of the wave and either onWaveFailure', () => {
    for (const onWaveFailure of ['FAIL', 'PAUSE']) {
      const plan = withWave2({ optionalServerIds: [APP_2] }, { onWaveFailure });
      expect(validatePlan(plan)).toEqual({ ok: true, plan });
    }
  });

  it('refuses a server of another wave, naming it and the path', () => {
    expect(issuesOf(withWave2({ optionalServerIds: [APP_1, DB_1] }))).toEqual([
      {
        path: 'waves.1.optionalServerIds.1',
        message: `server ${DB_1} is not one of this wave's sourceServerIds; only a wave's own server can be optional`,
      },
    ]);
  });

  it('refuses a server named twice', () => {
    expect(issuesOf(withWave2({ optionalServerIds: [APP_1, APP_1] }))).toEqual([
      { path: 'waves.1.optionalServerIds.1', message: `server ${APP_1} is already named optional earlier in this wave` },
    ]);
  });

  it('refuses what is not a server id, and an unknown onWaveFailure', () => {
    const paths = issuesOf(withWave2({ optionalServerIds: ['web-1'] }, { onWaveFailure: 'RETRY' })).map((issue) => [
      issue.path,
      issue.message,
    ]);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['waves.1.optionalServerIds.0', 'must be a DRS source server id like s-1234567890abcdef0'],
        ['onWaveFailure', 'must be FAIL or PAUSE'],
      ]),
    );
  });

  it('refuses more optional servers than a wave holds', () => {
    const many = Array.from({ length: 201 }, (_, index) => serverId('opt', index + 1));
    expect(issuesOf(withWave2({ optionalServerIds: many })).map((issue) => issue.path)).toContain('waves.1.optionalServerIds');
  });
});
