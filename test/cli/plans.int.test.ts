/** `drs-ledger plans load|list`: a malformed plan is refused with the field named, and nothing is written. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

describe('drs-ledger plans', () => {
  const dataDir = tempDataDir();
  const file = (name: string, text: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, text);
    return path;
  };

  it('refuses a malformed plan, naming the field, and loads nothing', async () => {
    const path = file(
      'bad.yaml',
      [
        'planId: rp-bad',
        'planName: Bad plan',
        'waves:',
        '  - waveName: databases',
        '    sourceServerIds: [s-aaaaaaaaaaaaaaaaa]',
        '  - waveName: apps',
        '    sourceServerIds: [s-aaaaaaaaaaaaaaaaa, not-a-server]',
      ].join('\n'),
    );
    const run = await runCli('--data-dir', dataDir, 'plans', 'load', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('waves.1.sourceServerIds.1');
    expect(run.stderr).toContain('nothing was loaded');
    const list = await runCli('--data-dir', dataDir, 'plans', 'list', '--json');
    expect(list.stdout).toBe('');
  });

  it('refuses a file that is not JSON, and an empty wave', async () => {
    const broken = await runCli('--data-dir', dataDir, 'plans', 'load', file('broken.json', '{ "planId": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('(file)');
    const empty = await runCli(
      '--data-dir',
      dataDir,
      'plans',
      'load',
      file('empty.json', JSON.stringify({ planId: 'rp-empty', planName: 'Empty', waves: [{ waveName: 'w', sourceServerIds: [] }] })),
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('waves.0.sourceServerIds: a wave needs at least one source server');
  });

  it('given a wave name with a line break, when the plan is loaded, then it exits 2 naming the field and writes nothing', async () => {
    // A valid plan alongside: a file is loaded whole or not at all.
    const valid = { planId: 'rp-fine', planName: 'Fine', waves: [{ waveName: 'web', sourceServerIds: ['s-ccccccccccccccccc'] }] };
    const plan = {
      planId: 'rp-newline',
      planName: 'Line breaks',
      waves: [
        { waveName: 'databases', sourceServerIds: ['s-aaaaaaaaaaaaaaaaa'] },
        { waveName: 'apps\nand more', sourceServerIds: ['s-bbbbbbbbbbbbbbbbb'] },
      ],
    };
    const run = await runCli('--data-dir', dataDir, 'plans', 'load', file('newline.json', JSON.stringify({ plans: [valid, plan] })));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'plans.1.waves.1.waveName: must not contain control characters, line breaks or bidirectional-text controls (found U+000A at character 5)',
    );
    expect(run.stderr).toContain('nothing was loaded');
    expect(run.stdout).toBe('');
    const list = await runCli('--data-dir', dataDir, 'plans', 'list', '--json');
    expect(list.stdout).not.toContain('rp-newline');
    expect(list.stdout).not.toContain('rp-fine');
  });

  it('loads the sample plan and lists it', async () => {
    const load = await runCli('--data-dir', dataDir, 'plans', 'load', join(__dirname, '../../samples/three-tier-plan.json'));
    expect(load).toMatchObject({ code: 0 });
    expect(load.stdout).toContain('Loaded rp-three-tier "Production DR Plan": 3 waves, 25 servers');
    const list = await runCli('--data-dir', dataDir, 'plans', 'list');
    expect(list.stdout).toContain('2. Application Tier (12 servers) · pause before');
  });

  it('given a plan with a target and an ExternalId, lists the target and never the ExternalId (text or JSON)', async () => {
    const plan = {
      planId: 'rp-targeted',
      planName: 'Targeted',
      waves: [{ waveName: 'Only', sourceServerIds: ['s-0000000000000000a'] }],
      target: { accountId: '210987654321', region: 'eu-west-1', externalId: 'ext-never-shown-42' },
    };
    expect(await runCli('--data-dir', dataDir, 'plans', 'load', file('targeted.json', JSON.stringify(plan)))).toMatchObject({ code: 0 });
    const text = await runCli('--data-dir', dataDir, 'plans', 'list');
    expect(text.stdout).toContain('  target: account 210987654321, eu-west-1, with an ExternalId\n');
    const json = await runCli('--data-dir', dataDir, 'plans', 'list', '--json');
    expect(json.stdout).toContain('"target":{"accountId":"210987654321","region":"eu-west-1"}');
    expect(`${text.stdout}${text.stderr}${json.stdout}${json.stderr}`).not.toContain('ext-never-shown-42');
  });

  it.each([
    ['YAML', 'targeted.yaml', 'planId: rp-x\ntarget:\n  externalId: ext-quoted-secret-77: [\n'],
    ['JSON', 'targeted-broken.json', '{ "planId": "rp-x", "target": { "externalId": "ext-quoted-secret-77" ]'],
  ])(
    'given a %s plan file that does not parse, names where, and never quotes it (it may hold an ExternalId)',
    async (_kind, name, text) => {
      const run = await runCli('--data-dir', dataDir, 'plans', 'load', file(name, text));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\(file\): not valid (YAML|JSON).* at line \d+, column \d+/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('ext-quoted-secret-77');
    },
  );

  it('answers bad usage with exit code 2', async () => {
    expect((await runCli('--data-dir', dataDir, 'drill', '--speed', 'fast')).code).toBe(2);
    expect((await runCli('--data-dir', dataDir, 'no-such-command')).code).toBe(2);
    expect((await runCli('--data-dir', dataDir, 'status', 'exec-missing')).code).toBe(2);
  });
});
