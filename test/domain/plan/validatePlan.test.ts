import { MAX_SERVERS_PER_WAVE, SOURCE_SERVER_ID_PATTERN, totalServers, validatePlan } from '../../../src/domain/plan';
import { APP_1, DB_1, DB_2, samplePlan, serverId, withPauseBefore } from '../../fixtures/plan';

/** The sample plan as an untrusted document, with a change. */
const document = (change: (plan: Record<string, unknown> & { waves: Record<string, unknown>[] }) => void): unknown => {
  const plan = structuredClone(samplePlan) as unknown as Record<string, unknown> & { waves: Record<string, unknown>[] };
  change(plan);
  return plan;
};

const issuesOf = (input: unknown) => {
  const result = validatePlan(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.issues;
};

const pathsOf = (input: unknown): string[] => issuesOf(input).map((issue) => issue.path);

describe('validatePlan', () => {
  it('accepts the sample plan as it is', () => {
    expect(validatePlan(samplePlan)).toEqual({ ok: true, plan: samplePlan });
    expect(totalServers(samplePlan)).toBe(7);
  });

  it('accepts pauseBeforeWave and a plan without an RTO', () => {
    const { rtoTargetMinutes: _rto, ...withoutRto } = withPauseBefore([2]);
    expect(validatePlan(withoutRto)).toEqual({ ok: true, plan: withoutRto });
  });

  it('the fixture server ids are valid DRS ids', () => {
    for (const wave of samplePlan.waves) for (const id of wave.sourceServerIds) expect(id).toMatch(SOURCE_SERVER_ID_PATTERN);
  });

  it('refuses a plan with no waves', () => {
    expect(issuesOf(document((plan) => (plan.waves = [])))).toEqual([{ path: 'waves', message: 'a plan needs at least one wave' }]);
  });

  it('refuses a wave with no servers', () => {
    expect(issuesOf(document((plan) => (plan.waves[1]!.sourceServerIds = []))))
      .toEqual([{ path: 'waves.1.sourceServerIds', message: 'a wave needs at least one source server' }]);
  });

  it('refuses a server in two waves, naming the second occurrence', () => {
    const issues = issuesOf(document((plan) => (plan.waves[2]!.sourceServerIds = [DB_2, serverId('web', 1)])));
    expect(issues).toEqual([{ path: 'waves.2.sourceServerIds.0', message: expect.stringContaining(`${DB_2} already appears in wave 1`) }]);
  });

  it('refuses a server twice in one wave', () => {
    const issues = issuesOf(document((plan) => (plan.waves[0]!.sourceServerIds = [DB_1, DB_2, DB_1])));
    expect(issues).toEqual([
      { path: 'waves.0.sourceServerIds.2', message: expect.stringContaining(`${DB_1} already appears earlier in this wave`) },
    ]);
  });

  it('reports every duplicate', () => {
    const issues = issuesOf(document((plan) => (plan.waves[2]!.sourceServerIds = [DB_1, APP_1])));
    expect(issues.map((issue) => issue.path)).toEqual(['waves.2.sourceServerIds.0', 'waves.2.sourceServerIds.1']);
  });

  it(`refuses more than ${MAX_SERVERS_PER_WAVE} servers in a wave`, () => {
    const many = Array.from({ length: MAX_SERVERS_PER_WAVE + 1 }, (_, index) => serverId('x', index));
    const issues = issuesOf(document((plan) => (plan.waves[1]!.sourceServerIds = many)));
    expect(issues).toEqual([
      { path: 'waves.1.sourceServerIds', message: `DRS launches at most ${MAX_SERVERS_PER_WAVE} servers in one job` },
    ]);
  });

  it(`accepts exactly ${MAX_SERVERS_PER_WAVE} servers in a wave`, () => {
    const many = Array.from({ length: MAX_SERVERS_PER_WAVE }, (_, index) => serverId('x', index));
    expect(validatePlan(document((plan) => (plan.waves[1]!.sourceServerIds = many))).ok).toBe(true);
  });

  it.each([
    ['too short', 's-1234567890abcdef'],
    ['too long', 's-1234567890abcdef01'],
    ['wrong prefix', 'i-1234567890abcdef0'],
    ['not alphanumeric', 's-1234567890abcde-0'],
    ['empty', ''],
  ])('refuses a malformed source server id (%s)', (_why, badId) => {
    expect(issuesOf(document((plan) => (plan.waves[0]!.sourceServerIds = [DB_1, badId])))).toEqual([
      { path: 'waves.0.sourceServerIds.1', message: expect.stringContaining('DRS source server id') },
    ]);
  });

  it('refuses a non-string server id', () => {
    expect(pathsOf(document((plan) => (plan.waves[0]!.sourceServerIds = [42])))).toEqual(['waves.0.sourceServerIds.0']);
  });

  it.each(['', '-starts-with-dash', 'has space', 'x'.repeat(129)])('refuses the plan id %p', (planId) => {
    expect(pathsOf(document((plan) => (plan.planId = planId)))).toEqual(['planId']);
  });

  it('refuses a blank plan name and wave name', () => {
    const issues = issuesOf(
      document((plan) => {
        plan.planName = '   ';
        plan.waves[0]!.waveName = '';
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['planName', 'waves.0.waveName']);
  });

  it('refuses unknown fields, each at its own path', () => {
    const issues = issuesOf(
      document((plan) => {
        plan.owner = 'ops';
        plan.waves[1]!.delayMinutes = 5;
        plan.waves[1]!.note = 'x';
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['owner', 'waves.1.delayMinutes', 'waves.1.note']);
    expect(issues.every((issue) => issue.message === 'unknown field')).toBe(true);
  });

  it('refuses a pauseBeforeWave that is not a boolean', () => {
    expect(pathsOf(document((plan) => (plan.waves[2]!.pauseBeforeWave = 'yes')))).toEqual(['waves.2.pauseBeforeWave']);
  });

  it.each([0, -5, 1.5, '60', 100_001, Number.NaN, null])('refuses rtoTargetMinutes %p', (rtoTargetMinutes) => {
    expect(pathsOf(document((plan) => (plan.rtoTargetMinutes = rtoTargetMinutes)))).toEqual(['rtoTargetMinutes']);
  });

  it.each([null, 'plan', 42, [], undefined])('refuses %p as a plan document', (input) => {
    expect(issuesOf(input)).toEqual([{ path: '(plan)', message: expect.any(String) }]);
  });

  it('reports several problems at once, each with its path', () => {
    const issues = issuesOf(
      document((plan) => {
        plan.waves[0]!.sourceServerIds = ['bad'];
        plan.rtoTargetMinutes = -1;
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['rtoTargetMinutes', 'waves.0.sourceServerIds.0']);
  });
});
