/**
 * The README's "Verifying a digest as an auditor", run as written with bash, on the data folder a local drill
 * leaves. Its `aws` lines run as written too: the `aws` on PATH is a stub (./support/awsCliStub.ts) that takes
 * exactly the commands the block gives, answered by the folder's S3 and KMS emulators through the real SDK, and
 * refuses any other shape, so a README line the AWS CLI would not run as written fails here. Its openssl lines
 * run with the real openssl binary on what the aws lines fetched, its `drs-ledger digests fetch` line with the
 * built CLI on PATH. openssl says "Verified OK", and "Verification failure" once one byte of the digest is
 * changed; list-object-versions shows one version a digest, and a digest deleted (a delete marker stacked on
 * its key, the locked original kept) shows as the DeleteMarker the README tells an auditor to look for. A
 * running `serve` owns the folder: the digest commands read the chain through its KMS and S3 endpoints.
 *
 * openssl missing is a failure, not a skip: CI installs it (.ci/run).
 */
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { digestKey } from '../../src/domain/digest';
import { LOCAL_DIGEST_BUCKET, LOCAL_DIGEST_KEY_ALIAS } from '../../src/local/digestInfrastructure';
import { startKmsEmulator, startS3Emulator } from '../../src/local/emulators';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');
const MARKER = '<!-- auditor-openssl-walkthrough';
const CREDENTIALS = { accessKeyId: 'auditor', secretAccessKey: 'auditor' };
/** The usage error the AWS CLI (and the stub) exits with. */
const AWS_USAGE_ERROR = 252;

const requireOpenssl = (): void => {
  if (spawnSync('openssl', ['version']).status !== 0) {
    throw new Error(
      'The auditor walk-through test needs the openssl binary, which is missing. Install it with `apt-get install -y openssl` (Debian); ' +
        `${process.env.CI === 'true' ? 'CI must install it before running the tests (.ci/run).' : 'the test fails rather than skip.'}`,
    );
  }
};

/** The commands of the README's marked ```sh block: continuation lines joined, comments and blank lines left out. */
const readmeCommands = (): string[] => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no block marked ${MARKER}`);
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at))?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
};

/** A folder holding `aws`: the stub, run by node through tsx, to put first on PATH. */
const awsStubOnPath = (): string => {
  const bin = mkdtempSync(join(tmpdir(), 'drs-ledger-aws-'));
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const stub = join(__dirname, 'support/awsCliStub.ts');
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${stub}" "$@"\n`, { mode: 0o755 });
  return bin;
};

/**
 * Runs commands with bash in `cwd`, as an auditor's shell would, stopping at the first that fails (a pipe fails
 * with any of its commands); answers what they printed and the exit code. Never synchronous: the emulators the
 * stub asks answer from this very process.
 */
const bash = (commands: string[], cwd: string, env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-c', ['set -eo pipefail', ...commands].join('\n')], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

interface ListedVersions {
  Versions?: Array<{ Key: string; VersionId: string; IsLatest: boolean }>;
  DeleteMarkers?: Array<{ Key: string; VersionId: string; IsLatest: boolean }>;
}

describe("the README's auditor walk-through, with openssl", () => {
  const dataDir = tempDataDir();
  let commands: string[];
  let digestSeq: number;
  let awsBin: string;

  beforeAll(async () => {
    requireOpenssl();
    // The walk-through's drs-ledger line runs the CLI as installed: bin/drs-ledger.js, on the built bundle.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
    const drill = await runCli('--data-dir', dataDir, 'drill', '--speed', '1000', '--resume-after', '0.2');
    expect(drill.code).toBe(0);
    const verified = await runCli('--data-dir', dataDir, 'digests', 'verify', '--json');
    digestSeq = (JSON.parse(verified.stdout) as { newest: { digestSeq: number } }).newest.digestSeq;
    commands = readmeCommands();
    awsBin = awsStubOnPath();
  });

  /** The AWS route: every line but the digest's number (the test's own) and the local route's drs-ledger line. */
  const awsRoute = () => commands.filter((line) => !line.startsWith('N=') && !line.startsWith('drs-ledger '));
  const listVersions = () => commands.filter((line) => line.startsWith('aws s3api list-object-versions '));
  const signatureCheck = () => commands.filter((line) => line.startsWith('openssl dgst '));

  /** The folder's S3 and KMS emulators, and what the block's lines need to reach them through the stub. */
  const withEmulators = async (work: (env: Record<string, string>, s3: S3Client) => Promise<void>) => {
    const kms = await startKmsEmulator({ dataDir });
    const s3 = await startS3Emulator({ dataDir });
    const s3Client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true });
    try {
      await work(
        {
          N: String(digestSeq),
          DIGEST_BUCKET: LOCAL_DIGEST_BUCKET,
          DIGEST_KEY_ID: LOCAL_DIGEST_KEY_ALIAS,
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          AWS_ENDPOINT_URL_KMS: kms.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          PATH: `${awsBin}${delimiter}${process.env.PATH ?? ''}`,
        },
        s3Client,
      );
    } finally {
      s3Client.destroy();
      await kms.close();
      await s3.close();
    }
  };

  it('documents the AWS CLI route and the local one, each ending in the same openssl check, and the look for hidden digests', () => {
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^aws s3api get-object .*--query Metadata\.signature --output text \| openssl base64 -d -A > "digest-\$N\.sig"$/,
        ),
        expect.stringMatching(/^aws kms get-public-key .*--output text --query PublicKey \| openssl base64 -d -A > key\.der$/),
        'openssl pkey -pubin -inform DER -in key.der -out public-key.pem',
        'drs-ledger digests fetch "$N" --out .',
        'openssl dgst -sha256 -verify public-key.pem -signature "digest-$N.sig" "digest-$N.json"',
        'aws s3api list-object-versions --bucket "$DIGEST_BUCKET" --prefix digests/',
      ]),
    );
    // No GNU-only base64 left: macOS's takes other options.
    expect(commands.filter((line) => /(^|\| *)base64 /.test(line))).toEqual([]);
  });

  it('the AWS route, every line as written: openssl says Verified OK, and every digest has one version and no delete marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-aws-'));
    await withEmulators(async (env) => {
      const run = await bash(awsRoute(), dir, env);
      expect(run).toMatchObject({ status: 0, stderr: '' });
      const [verdict, ...listing] = run.stdout.split('\n');
      expect(verdict).toBe('Verified OK');
      const listed = JSON.parse(listing.join('\n')) as ListedVersions;
      expect(listed.DeleteMarkers).toBeUndefined();
      const keys = Array.from({ length: digestSeq }, (_, index) => digestKey('digests/', index + 1));
      expect(listed.Versions?.map((version) => version.Key).sort()).toEqual(keys);
      expect(listed.Versions?.every((version) => version.IsLatest)).toBe(true);
    });
    expect(readFileSync(join(dir, `digest-${digestSeq}.sig`)).length).toBeGreaterThan(0);
  });

  it('an aws line the AWS CLI would read otherwise is refused by the stub (exit 252), and the walk-through stops there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-aws-'));
    await withEmulators(async (env) => {
      // The options of the README's get-object line, in another order, and an option the block does not give.
      const reordered = awsRoute().map((line) =>
        line.replace('--query Metadata.signature --output text', '--output text --query Metadata.signature'),
      );
      for (const lines of [reordered, [`${listVersions()[0] as string} --max-items 1`]]) {
        const run = await bash(lines, dir, env);
        expect(run.status).toBe(AWS_USAGE_ERROR);
        expect(run.stderr).toContain('aws (stub): not a command this stub takes as written: aws s3api ');
        expect(run.stdout).not.toContain('Verified OK');
      }
    });
  });

  it('the local route: drs-ledger digests fetch then openssl, as written: Verified OK; one byte changed: Verification failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-local-'));
    const bin = mkdtempSync(join(tmpdir(), 'drs-ledger-bin-'));
    symlinkSync(join(ROOT, 'bin/drs-ledger.js'), join(bin, 'drs-ledger'));
    const env = { N: String(digestSeq), DRS_LEDGER_DATA_DIR: dataDir, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
    const fetchLines = commands.filter((line) => line.startsWith('drs-ledger '));
    const fetched = await bash(fetchLines, dir, env);
    expect(fetched.status).toBe(0);
    for (const file of [`digest-${digestSeq}.json`, `digest-${digestSeq}.sig`, 'public-key.pem'])
      expect(existsSync(join(dir, file))).toBe(true);
    expect(await bash(signatureCheck(), dir, env)).toMatchObject({ status: 0, stdout: 'Verified OK\n' });

    const digest = join(dir, `digest-${digestSeq}.json`);
    const bytes = readFileSync(digest);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    writeFileSync(digest, bytes);
    const tampered = await bash(signatureCheck(), dir, env);
    expect(tampered.status).not.toBe(0);
    expect(`${tampered.stdout}${tampered.stderr}`).toContain('Verification failure');
  });

  describe('with a serve owning the folder', () => {
    let serve: ChildProcess | undefined;
    afterAll(async () => {
      if (!serve || serve.exitCode !== null) return;
      const exited = new Promise((resolve) => serve?.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    });

    it('the digest commands read the chain through its KMS and S3 endpoints', async () => {
      serve = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), '--data-dir', dataDir, 'serve', '--port', '0', '--log-level', 'SILENT'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const endpoints = await published(dataDir, serve);
      expect(endpoints).toMatchObject({ kms: expect.stringMatching(/^http:/), s3: expect.stringMatching(/^http:/) });
      // What the serve itself asked at start (its key, its bucket) is forgotten: what follows is the command's.
      for (const endpoint of [endpoints.kms, endpoints.s3]) await fetch(`${endpoint}/__emulator/requests/reset`, { method: 'POST' });

      const run = await runCli('--data-dir', dataDir, 'digests', 'verify');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^OK: ${digestSeq} digests, chain intact, newest #${digestSeq} `));
      // The serve's emulators answered the command: it started none of its own on the folder.
      const s3Requests = (await (await fetch(`${endpoints.s3}/__emulator/requests`)).json()) as { requests: Array<{ operation: string }> };
      expect(s3Requests.requests.map((request) => request.operation)).toContain('ListObjectsV2');
      const kmsRequests = (await (await fetch(`${endpoints.kms}/__emulator/requests`)).json()) as {
        requests: Array<{ operation: string }>;
      };
      expect(kmsRequests.requests.map((request) => request.operation)).toEqual(expect.arrayContaining(['DescribeKey', 'GetPublicKey']));
    });
  });

  it('a digest deleted (a delete marker stacked on it): the list line shows the DeleteMarker, and the original version kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-aws-'));
    const key = digestKey('digests/', digestSeq);
    await withEmulators(async (env, s3) => {
      // What anyone with s3:DeleteObject can do to a locked digest: hide it, not destroy it.
      const deleted = await s3.send(new DeleteObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: key }));
      expect(deleted.DeleteMarker).toBe(true);
      const run = await bash(listVersions(), dir, env);
      expect(run.status).toBe(0);
      const listed = JSON.parse(run.stdout) as ListedVersions;
      expect(listed.DeleteMarkers).toEqual([expect.objectContaining({ Key: key, VersionId: deleted.VersionId, IsLatest: true })]);
      expect(listed.Versions?.filter((version) => version.Key === key)).toEqual([expect.objectContaining({ Key: key, IsLatest: false })]);
    });
  });
});

/** What the spawned `serve` published in the folder, once it is up (its own pid in serve.json). */
const published = async (dataDir: string, child: ChildProcess): Promise<{ kms: string; s3: string }> => {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const file = join(dataDir, 'serve.json');
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (existsSync(file)) {
      const endpoints = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; kms: string; s3: string };
      if (endpoints.pid === child.pid) return endpoints;
    }
    if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve did not start: ${output}`);
};
