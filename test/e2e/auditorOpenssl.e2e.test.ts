/**
 * The README's "Verifying a digest as an auditor", run as written, with the real openssl binary, on the data
 * folder a local drill leaves. The block's `aws` lines ask AWS for the digest object (its bytes and its metadata
 * `signature`) and the key's public half: here the same requests go through the SDK to the folder's S3 and KMS
 * emulators, and the block's openssl lines (DER key to PEM, then the signature) run on what they answer. Its
 * `drs-ledger digests fetch` line runs as written, the built CLI on PATH, then the same check. openssl says
 * "Verified OK", and "Verification failure" once one byte of the digest is changed. Last, a running `serve`
 * owns the folder: the digest commands read the chain through its KMS and S3 endpoints.
 *
 * openssl missing is a failure, not a skip: CI installs it (.ci/run).
 */
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { digestKey } from '../../src/domain/digest';
import { LOCAL_DIGEST_BUCKET, LOCAL_DIGEST_KEY_ALIAS } from '../../src/local/digestInfrastructure';
import { startKmsEmulator, startS3Emulator } from '../../src/local/emulators';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');
const MARKER = '<!-- auditor-openssl-walkthrough';
const CREDENTIALS = { accessKeyId: 'auditor', secretAccessKey: 'auditor' };

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

/** Runs commands with sh in `cwd`, as an auditor's shell would; answers openssl's verdict and the exit code. */
const sh = (commands: string[], cwd: string, env: Record<string, string>) => {
  const run = spawnSync('sh', ['-c', commands.join('\n')], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

describe("the README's auditor walk-through, with openssl", () => {
  const dataDir = tempDataDir();
  let commands: string[];
  let digestSeq: number;

  beforeAll(async () => {
    requireOpenssl();
    // The walk-through's drs-ledger line runs the CLI as installed: bin/drs-ledger.js, on the built bundle.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
    const drill = await runCli('--data-dir', dataDir, 'drill', '--speed', '100', '--resume-after', '0.2');
    expect(drill.code).toBe(0);
    const verified = await runCli('--data-dir', dataDir, 'digests', 'verify', '--json');
    digestSeq = (JSON.parse(verified.stdout) as { newest: { digestSeq: number } }).newest.digestSeq;
    commands = readmeCommands();
  });

  const opensslLines = () => commands.filter((line) => line.startsWith('openssl '));
  const signatureCheck = () => commands.filter((line) => line.startsWith('openssl dgst '));

  it('documents the AWS CLI route and the local one, each ending in the same openssl check', () => {
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws s3api get-object .*--query Metadata\.signature --output text \| base64 -d > "digest-\$N\.sig"$/),
        expect.stringMatching(/^aws kms get-public-key .*--output text --query PublicKey \| base64 -d > key\.der$/),
        'openssl pkey -pubin -inform DER -in key.der -out public-key.pem',
        'drs-ledger digests fetch "$N" --out .',
        'openssl dgst -sha256 -verify public-key.pem -signature "digest-$N.sig" "digest-$N.json"',
      ]),
    );
  });

  it('the AWS route: what the aws lines fetch, checked by the openssl lines as written: Verified OK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-aws-'));
    const kms = await startKmsEmulator({ dataDir });
    const s3 = await startS3Emulator({ dataDir });
    const kmsClient = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    const s3Client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true });
    try {
      // aws s3api get-object: the body to digest-$N.json; the metadata's signature, base64-decoded, to digest-$N.sig.
      const object = await s3Client.send(new GetObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: digestKey('digests/', digestSeq) }));
      writeFileSync(join(dir, `digest-${digestSeq}.json`), Buffer.from((await object.Body?.transformToByteArray()) ?? []));
      writeFileSync(join(dir, `digest-${digestSeq}.sig`), Buffer.from(object.Metadata?.signature ?? '', 'base64'));
      // aws kms get-public-key: the DER public key, base64 in the CLI's text output, decoded to key.der.
      const key = await kmsClient.send(new GetPublicKeyCommand({ KeyId: LOCAL_DIGEST_KEY_ALIAS }));
      writeFileSync(join(dir, 'key.der'), Buffer.from(key.PublicKey ?? []));
    } finally {
      kmsClient.destroy();
      s3Client.destroy();
      await kms.close();
      await s3.close();
    }
    const checked = sh(opensslLines(), dir, { N: String(digestSeq) });
    expect(checked).toEqual({ status: 0, output: 'Verified OK\n' });
  });

  it('the local route: drs-ledger digests fetch then openssl, as written: Verified OK; one byte changed: Verification failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-auditor-local-'));
    const bin = mkdtempSync(join(tmpdir(), 'drs-ledger-bin-'));
    symlinkSync(join(ROOT, 'bin/drs-ledger.js'), join(bin, 'drs-ledger'));
    const env = { N: String(digestSeq), DRS_LEDGER_DATA_DIR: dataDir, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
    const fetchLines = commands.filter((line) => line.startsWith('drs-ledger '));
    const fetched = sh(fetchLines, dir, env);
    expect(fetched.status).toBe(0);
    for (const file of [`digest-${digestSeq}.json`, `digest-${digestSeq}.sig`, 'public-key.pem'])
      expect(existsSync(join(dir, file))).toBe(true);
    expect(sh(signatureCheck(), dir, env)).toEqual({ status: 0, output: 'Verified OK\n' });

    const digest = join(dir, `digest-${digestSeq}.json`);
    const bytes = readFileSync(digest);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    writeFileSync(digest, bytes);
    const tampered = sh(signatureCheck(), dir, env);
    expect(tampered.status).not.toBe(0);
    expect(tampered.output).toContain('Verification failure');
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
