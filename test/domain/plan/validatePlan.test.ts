import {
  MAX_NAME_LENGTH,
  MAX_SERVERS_PER_PLAN,
  MAX_SERVERS_PER_WAVE,
  type RecoveryPlan,
  SOURCE_SERVER_ID_PATTERN,
  totalServers,
  validatePlan,
} from '../../../src/domain/plan';
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
    expect(issuesOf(document((plan) => (plan.waves[1]!.sourceServerIds = [])))).toEqual([
      { path: 'waves.1.sourceServerIds', message: 'a wave needs at least one source server' },
    ]);
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

describe('validatePlan: names a notification, a terminal and a report can carry', () => {
  const refusals: Array<[string, string, string]> = [
    ['a line feed', 'Three-tier\nweb shop', 'U+000A'],
    ['a carriage return', 'Three-tier\rweb shop', 'U+000D'],
    ['a tab', 'Three-tier\tweb shop', 'U+0009'],
    ['a NUL', 'Three-tier\u0000', 'U+0000'],
    ['a DEL', 'Three-tier\u007fweb', 'U+007F'],
    ['a C1 next line', 'Three-tier\u0085web', 'U+0085'],
    ['a right-to-left override', 'invoice\u202Etxt.exe', 'U+202E'],
    ['a left-to-right embedding', '\u202Aweb shop', 'U+202A'],
    ['a first-strong isolate', 'web \u2068shop', 'U+2068'],
    ['a pop directional isolate', 'web shop\u2069 x', 'U+2069'],
    ['a line separator', 'web\u2028shop', 'U+2028'],
    ['an unpaired surrogate', 'web \ud83d shop', 'U+D83D'],
  ];

  it.each(refusals)(
    'given %s in the plan name, when validated, then it is refused at planName, naming the character',
    (_what, planName, label) => {
      const issues = issuesOf(document((plan) => (plan.planName = planName)));
      expect(issues).toEqual([{ path: 'planName', message: expect.stringContaining(label) }]);
      expect(issues[0]?.message).toContain('must not contain control characters, line breaks or bidirectional-text controls');
    },
  );

  it.each(refusals)("given %s in a wave name, when validated, then it is refused at that wave's waveName", (_what, waveName, label) => {
    expect(issuesOf(document((plan) => (plan.waves[2]!.waveName = waveName)))).toEqual([
      { path: 'waves.2.waveName', message: expect.stringContaining(label) },
    ]);
  });

  it('given a line break, when refused, then the message says where it is, counting characters as a reader does', () => {
    expect(issuesOf(document((plan) => (plan.planName = '🚒🚒\nweb')))[0]?.message).toContain('U+000A at character 3');
  });

  it('given names with accents, CJK, emoji and combining marks, when validated, then they are accepted', () => {
    const names = [
      "Reprise d'activité — Île-de-France",
      '東京リージョン 復旧',
      '🚒 Feuerwehr-Übung 👩‍🚒',
      'Cafe\u0301 tier',
      'Tier\u00a01 (no-break space)',
    ];
    for (const name of names) {
      const result = validatePlan(document((plan) => (plan.planName = name)));
      expect(result).toMatchObject({ ok: true, plan: { planName: name } });
    }
  });

  it('given a name ending in a line break (a YAML block scalar), when validated, then it is trimmed, not refused', () => {
    const result = validatePlan(document((plan) => (plan.waves[0]!.waveName = 'databases\n')));
    expect(result).toMatchObject({ ok: true, plan: { waves: [{ waveName: 'databases' }, {}, {}] } });
  });

  it(`given a name of ${MAX_NAME_LENGTH} characters with emoji, when validated, then it is accepted; one more is refused`, () => {
    // Characters as a reader counts them (code points): each emoji is one, though two UTF-16 code units.
    const name = `${'🚒'.repeat(100)}${'n'.repeat(MAX_NAME_LENGTH - 100)}`;
    expect([...name]).toHaveLength(MAX_NAME_LENGTH);
    expect(validatePlan(document((plan) => (plan.planName = name)))).toMatchObject({ ok: true });
    expect(pathsOf(document((plan) => (plan.planName = `${name}n`)))).toEqual(['planName']);
  });
});

describe('validatePlan: servers per plan', () => {
  /** `count` distinct servers in waves of at most MAX_SERVERS_PER_WAVE. */
  const planOf = (count: number): RecoveryPlan => {
    const ids = Array.from({ length: count }, (_, index) => serverId('x', index));
    const waves = [];
    for (let first = 0; first < count; first += MAX_SERVERS_PER_WAVE) {
      waves.push({ waveName: `wave ${waves.length + 1}`, sourceServerIds: ids.slice(first, first + MAX_SERVERS_PER_WAVE) });
    }
    return { planId: 'rp-estate', planName: 'Whole estate', waves };
  };

  it(`given ${MAX_SERVERS_PER_PLAN} servers across its waves, when validated, then the plan is accepted`, () => {
    expect(validatePlan(planOf(MAX_SERVERS_PER_PLAN))).toMatchObject({ ok: true });
  });

  it(`given ${MAX_SERVERS_PER_PLAN + 1} servers, when validated, then it is refused with the limit and the way out`, () => {
    expect(issuesOf(planOf(MAX_SERVERS_PER_PLAN + 1))).toEqual([
      {
        path: 'waves',
        message: `a plan holds at most 4000 servers across its waves (this one has 4001); split a larger estate across several plans`,
      },
    ]);
  });
});
