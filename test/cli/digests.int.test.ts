/**
 * The signed digest chain as an auditor checks it with the CLI, on the data folder two local drills leave:
 * `verify` names the digest that vouches for a ledger, `digests verify | list | fetch` check the chain and
 * hand it out. Ledgers written behind the digest writer's back: an ended one whose end no digest holds fails
 * (UNSEALED), a running one not yet sealed warns. Then the attacks, in order on the same folder: a digest
 * forged with another key (verify fails even a ledger it does not touch), a gap in the chain, a ledger
 * rewritten from its first event with every hash recomputed (its hash chain verifies alone), a ledger deleted
 * whole. Someone with write access to the table and to the bucket, but not to the key.
 */
import { createPublicKey, randomUUID, verify as verifySignature } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasSnapshot, toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { openLedger } from '../../src/cli/ledgerAccess';
import { digestKey } from '../../src/domain/digest';
import { evolve, type ExecutionEvent, type ExecutionState, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { startEmbeddedDynamo } from '../../src/local/embeddedDynamo';
import { KMS_STATE_FILE, S3_STATE_FILE } from '../../src/local/emulators';
import { eventOf, RawLedger, seqOf } from '../audit/support/rawLedger';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';
import { forgedDigest, forgersKey, type FolderBucket, openFolderBucket, PREFIX, sealNext, signedBy } from './support/digestBucket';

jest.setTimeout(180_000);

const BUCKET = 's3://drs-ledger-digests';
const MALLORY = 'mallory@example.com';

interface Drilled {
  executionId: string;
  headHash: string;
  headSeq: number;
}

interface ListedDigest {
  digestSeq: number | null;
  key: string;
  location: string;
  verified: boolean;
  heads?: Array<{ executionId: string; seq: number; hash: string }>;
}

const drill = async (dataDir: string): Promise<Drilled> => {
  const run = await runCli('--data-dir', dataDir, 'drill', '--speed', '1000', '--resume-after', '0.2', '--json');
  expect(run.code).toBe(0);
  const result = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; details?: { executionId: string }; ledger?: { headHash: string; events: number } })
    .find((line) => line.type === 'result');
  return {
    executionId: result?.details?.executionId as string,
    headHash: result?.ledger?.headHash as string,
    headSeq: result?.ledger?.events as number,
  };
};

const listed = async (dataDir: string): Promise<ListedDigest[]> =>
  (await runCli('--data-dir', dataDir, 'digests', 'list', '--json')).stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ListedDigest);

/** The state after each event, folded: what a forger who knows the (public) scheme computes. */
const statesOf = (events: ExecutionEvent[]): ExecutionState[] => {
  let state = initialState();
  return events.map((event) => (state = evolve(state, event)));
};

/**
 * Writes `events` as the execution's whole ledger, every link and state digest recomputed (a digest where a
 * snapshot is, as the store does), one PutItem each; the hash of each seq, in order.
 */
const writeLedger = async (dataDir: string, executionId: string, events: ExecutionEvent[], snapshots: boolean[]): Promise<string[]> => {
  const ledger = await openLedger(dataDir);
  try {
    const raw = new RawLedger(ledger.client, ledger.config.tables.events, executionId);
    const states = statesOf(events);
    const covered = states.map((state, index) => (snapshots[index] ? state : undefined));
    const links = chainEvents(undefined, events, covered);
    for (const [index, link] of links.entries()) {
      await raw.put(toEventItem(link, states[index] as ExecutionState, snapshots[index] ?? false));
    }
    return links.map((link) => link.hash);
  } finally {
    await ledger.close();
  }
};

/** The newest digest that names the execution, and the seq it recorded. */
const newestNaming = (digests: ListedDigest[], executionId: string) => {
  const digest = digests.filter((each) => each.heads?.some((head) => head.executionId === executionId)).at(-1) as ListedDigest;
  const head = digest.heads?.find((each) => each.executionId === executionId) as { seq: number };
  return { digestSeq: digest.digestSeq as number, key: digest.key, seq: head.seq };
};

const ledgerItems = async (dataDir: string, executionId: string) => {
  const ledger = await openLedger(dataDir);
  try {
    return (await new RawLedger(ledger.client, ledger.config.tables.events, executionId).items()).sort((a, b) => seqOf(a) - seqOf(b));
  } finally {
    await ledger.close();
  }
};

describe('drs-ledger verify and digests, against the signed digest chain', () => {
  const dataDir = tempDataDir();
  let first: Drilled;
  let second: Drilled;
  /** Written into the ledger behind the digest writer's back: no digest names it. */
  const unsealed = `exec-${randomUUID()}`;
  let digests: ListedDigest[];
  let newest: ListedDigest;
  const sealing = (executionId: string) => newestNaming(digests, executionId);
  /** The seq of the event that ended the first drill (its notification's record follows it). */
  let firstEnd: number;

  beforeAll(async () => {
    first = await drill(dataDir);
    second = await drill(dataDir);
    const items = await ledgerItems(dataDir, first.executionId);
    firstEnd = items.map(eventOf).find((event) => event.type === 'Finalized')?.seq as number;
    await writeLedger(
      dataDir,
      unsealed,
      items.map((item) => ({ ...eventOf(item), executionId: unsealed })),
      items.map(hasSnapshot),
    );
    digests = await listed(dataDir);
    newest = digests.at(-1) as ListedDigest;
  });

  describe('given the digests two drills left', () => {
    it('verify names the digest that vouches for the head of the ledger, and exits 0', async () => {
      const run = await runCli('--data-dir', dataDir, 'verify', first.executionId);
      expect(run.code).toBe(0);
      const sealing = digests
        .filter((digest) => digest.heads?.some((head) => head.executionId === first.executionId))
        .at(-1) as ListedDigest;
      expect(run.stdout).toBe(
        `OK ${first.executionId}: ${first.headSeq} events, chain intact, head ${first.headSeq}:${first.headHash}\n` +
          `Digest #${sealing.digestSeq} (${BUCKET}/${sealing.key}) vouches for seq ${first.headSeq}:${first.headHash}, the head\n`,
      );
    });

    it('verify --json gives the digest: its number, location, the head it recorded, and no newer event', async () => {
      const run = await runCli('--data-dir', dataDir, 'verify', second.executionId, '--json');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: true,
        headHash: second.headHash,
        verdict: { ok: true, failedBy: [] },
        digests: {
          status: 'covered',
          ok: true,
          digestSeq: newest.digestSeq,
          location: `${BUCKET}/${newest.key}`,
          seq: second.headSeq,
          hash: second.headHash,
          eventsAfter: 0,
          chainProblems: [],
        },
      });
    });

    it('digests verify: every digest signed by the key, numbered without a gap and linked; the newest named', async () => {
      const run = await runCli('--data-dir', dataDir, 'digests', 'verify');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`OK: ${newest.digestSeq} digests, chain intact, newest #${newest.digestSeq} (${BUCKET}/${newest.key})\n`);
    });

    it('digests list: one line per digest, with its number, creation, trigger, heads and location', async () => {
      // Each drill's end is sealed, then the record of its notification: at least two digests each.
      expect(digests.length).toBeGreaterThanOrEqual(4);
      expect(digests.map((digest) => digest.digestSeq)).toEqual(digests.map((_, index) => index + 1));
      const run = await runCli('--data-dir', dataDir, 'digests', 'list');
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(digests.length);
      for (const [index, line] of lines.entries()) {
        expect(line).toMatch(
          new RegExp(
            `^#${index + 1}  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  (ExecutionEnded|Schedule) +\\d+ heads? +${BUCKET}/digests/0{11}\\d*${index + 1}\\.json$`,
          ),
        );
      }
    });

    it('digests fetch writes the exact stored bytes, the DER signature and the public key, which check out', async () => {
      const out = join(tempDataDir(), 'audit');
      const run = await runCli('--data-dir', dataDir, 'digests', 'fetch', String(newest.digestSeq), '--out', out);
      expect(run.code).toBe(0);
      const n = newest.digestSeq as number;
      expect(run.stdout).toContain(`Check it: openssl dgst -sha256 -verify public-key.pem -signature digest-${n}.sig digest-${n}.json`);
      const bucket = await openFolderBucket(dataDir);
      try {
        const stored = await bucket.get(newest.key);
        const bytes = readFileSync(join(out, `digest-${n}.json`));
        expect(bytes.equals(stored.bytes)).toBe(true);
        expect(readFileSync(join(out, `digest-${n}.sig`)).equals(stored.signature as Buffer)).toBe(true);
        const pem = readFileSync(join(out, 'public-key.pem'), 'utf8');
        expect(
          createPublicKey(pem)
            .export({ format: 'der', type: 'spki' })
            .equals(await bucket.publicKeyDer()),
        ).toBe(true);
        expect(verifySignature('sha256', bytes, { key: pem, dsaEncoding: 'der' }, stored.signature as Buffer)).toBe(true);
        expect(run.stdout).toContain(`the public half of ${bucket.keyArn}`);
      } finally {
        await bucket.close();
      }
    });

    it('with --aws, verify and digests verify read the tables and the chain the deployed environment names (a key alias resolved to its ARN)', async () => {
      // Dynalite and the emulators on the folder stand in for AWS, reached through the endpoints the environment names.
      const dynamo = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb') });
      const bucket = await openFolderBucket(dataDir);
      const names = [
        'DYNAMODB_ENDPOINT',
        'DIGEST_BUCKET',
        'DIGEST_KEY_ID',
        'KMS_ENDPOINT',
        'S3_ENDPOINT',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
      ];
      const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
      try {
        Object.assign(process.env, {
          DYNAMODB_ENDPOINT: dynamo.endpoint,
          DIGEST_BUCKET: 'drs-ledger-digests',
          DIGEST_KEY_ID: 'alias/drs-ledger-digests',
          KMS_ENDPOINT: bucket.kms.endpoint,
          S3_ENDPOINT: bucket.s3.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'deployed',
          AWS_SECRET_ACCESS_KEY: 'deployed',
        });
        const elsewhere = tempDataDir();
        const chain = await runCli('--data-dir', elsewhere, 'digests', 'verify', '--aws');
        expect(chain.code).toBe(0);
        expect(chain.stdout).toBe(`OK: ${newest.digestSeq} digests, chain intact, newest #${newest.digestSeq} (${BUCKET}/${newest.key})\n`);
        const verified = await runCli('--data-dir', elsewhere, 'verify', second.executionId, '--aws');
        expect(verified.code).toBe(0);
        expect(verified.stdout).toContain(
          `Digest #${newest.digestSeq} (${BUCKET}/${newest.key}) vouches for seq ${second.headSeq}:${second.headHash}, the head\n`,
        );

        delete process.env.DIGEST_BUCKET;
        delete process.env.DIGEST_KEY_ID;
        const unset = await runCli('--data-dir', elsewhere, 'digests', 'verify', '--aws');
        expect(unset).toMatchObject({
          code: 2,
          stderr: 'drs-ledger: No signed digests: DIGEST_BUCKET and DIGEST_KEY_ID are not set: no deployed digest chain to read\n',
        });
        // Nor does verify --aws pass a ledger it held against no digest: a deployed stack always has its chain.
        const unchecked = await runCli('--data-dir', elsewhere, 'verify', second.executionId, '--aws');
        expect(unchecked).toMatchObject({
          code: 2,
          stdout: '',
          stderr: 'drs-ledger: No signed digests: DIGEST_BUCKET and DIGEST_KEY_ID are not set: no deployed digest chain to read\n',
        });
      } finally {
        for (const name of names) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
        await bucket.close();
        await dynamo.close();
      }
    });

    it('an ended ledger no digest names (written behind the digest writer): verify says UNSEALED, and exits 1', async () => {
      const run = await runCli('--data-dir', dataDir, 'verify', unsealed);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`OK ${unsealed}: ${first.headSeq} events, chain intact`);
      expect(run.stdout).toContain(
        `UNSEALED ${unsealed}: the end (seq ${firstEnd}) is in no digest: no digest names this execution (the chain holds ${newest.digestSeq}); ` +
          'the ledger of an ended execution must be sealed up to its end (drs-ledger digests list shows what was sealed)\n',
      );
      const json = await runCli('--data-dir', dataDir, 'verify', unsealed, '--json');
      expect(json.code).toBe(1);
      // The hash chain alone is intact (`ok`); the whole verdict is not.
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: true,
        verdict: { ok: false, failedBy: ['signed digests'] },
        digests: { status: 'unsealed', ok: false, endedAtSeq: firstEnd, headSeq: first.headSeq },
      });
      // The evidence report says so, and fails too.
      const report = await runCli('--data-dir', dataDir, 'report', unsealed, '--format', 'json');
      expect(report.code).toBe(1);
      expect(JSON.parse(report.stdout)).toMatchObject({ digests: { status: 'unsealed', ok: false, endedAtSeq: firstEnd } });
    });

    it('imported evidence is checked against no digest of this stack: verify --imported says so', async () => {
      const file = join(tempDataDir(), 'export.jsonl');
      expect((await runCli('--data-dir', dataDir, 'export', first.executionId, '--out', file)).code).toBe(0);
      const elsewhere = tempDataDir();
      expect((await runCli('--data-dir', elsewhere, 'import', file)).code).toBe(0);
      const run = await runCli('--data-dir', elsewhere, 'verify', first.executionId, '--imported');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "Signed digests not checked: imported evidence is not in this stack's digest chain: its import's seal and its hash chain vouch for it\n",
      );
    });
  });

  describe('given a data folder where no stack ever ran', () => {
    const empty = tempDataDir();

    it('digests verify and list say there is no chain (exit 0); fetch refuses (exit 2); nothing is created', async () => {
      const reason = `no digest signing key (alias/drs-ledger-digests) in ${empty}: no stack has sealed a digest here`;
      const verified = await runCli('--data-dir', empty, 'digests', 'verify');
      expect(verified).toMatchObject({ code: 0, stdout: `No signed digests: ${reason}\n` });
      expect((await runCli('--data-dir', empty, 'digests', 'list')).stdout).toBe(`No signed digests: ${reason}\n`);
      const fetched = await runCli('--data-dir', empty, 'digests', 'fetch', '1', '--out', join(empty, 'out'));
      expect(fetched).toMatchObject({ code: 2, stderr: `drs-ledger: No signed digests: ${reason}\n` });
      // Read-only: the emulators started on the folder for the commands wrote no key and no bucket.
      expect(existsSync(join(empty, KMS_STATE_FILE))).toBe(false);
      expect(existsSync(join(empty, S3_STATE_FILE))).toBe(false);
    });
  });

  describe('given a data folder whose ledger was written before the signed digests existed', () => {
    const old = tempDataDir();

    it('verify and report check the hash chain, say the digests were not checked and why, and exit 0; nothing is created', async () => {
      const items = await ledgerItems(dataDir, first.executionId);
      await writeLedger(old, first.executionId, items.map(eventOf), items.map(hasSnapshot));
      const reason = `no digest signing key (alias/drs-ledger-digests) in ${old}: no stack has sealed a digest here`;

      const run = await runCli('--data-dir', old, 'verify', first.executionId);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `OK ${first.executionId}: ${first.headSeq} events, chain intact, head ${first.headSeq}:${first.headHash}\n` +
          `Signed digests not checked: ${reason}\n`,
      );
      const json = await runCli('--data-dir', old, 'verify', first.executionId, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: true,
        verdict: { ok: true, failedBy: [] },
        digests: { status: 'not-checked', ok: true, reason },
      });
      const report = await runCli('--data-dir', old, 'report', first.executionId, '--format', 'json');
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout)).toMatchObject({ digests: { status: 'not-checked', ok: true, reason } });
      expect(existsSync(join(old, KMS_STATE_FILE))).toBe(false);
      expect(existsSync(join(old, S3_STATE_FILE))).toBe(false);
    });
  });

  describe('given ledgers the digest writer sealed in part, written on behind its back', () => {
    let bucket: FolderBucket;
    /** The first drill's history, to be written again under other ids. */
    let history: ExecutionEvent[];
    let snapshots: boolean[];
    /** The newest digest of the chain, which the next one links to. */
    let tip: { digestSeq: number; key: string };
    beforeAll(async () => {
      const items = await ledgerItems(dataDir, first.executionId);
      history = items.map(eventOf);
      snapshots = items.map(hasSnapshot);
      tip = { digestSeq: newest.digestSeq as number, key: newest.key };
    });
    beforeEach(async () => {
      bucket = await openFolderBucket(dataDir);
    });
    afterEach(() => bucket.close());

    /** The first `count` events of the first drill's history as another execution's whole ledger; its head hash. */
    const writeFirst = async (executionId: string, count: number): Promise<string> => {
      const events = history.slice(0, count).map((event) => ({ ...event, executionId }));
      return (await writeLedger(dataDir, executionId, events, snapshots)).at(-1) as string;
    };
    const seal = async (executionId: string, seq: number, hash: string) => {
      tip = await sealNext(bucket, tip, [{ executionId, seq, hash }]);
      return tip;
    };

    it('a running ledger no digest names yet: verify warns that it has not ended, and exits 0', async () => {
      const running = `exec-${randomUUID()}`;
      await writeFirst(running, 3);
      const run = await runCli('--data-dir', dataDir, 'verify', running);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`OK ${running}: 3 events, chain intact`);
      expect(run.stdout).toContain(
        `WARNING ${running}: no signed digest names this execution yet (the chain holds ${tip.digestSeq}): it has not ended, and its hash chain alone vouches for its ledger until a digest seals it\n`,
      );
    });

    it('sealed at seq 3, then a newer event: a warning while it runs (exit 0); once it ends with no digest of its end: UNSEALED (exit 1)', async () => {
      const partly = `exec-${randomUUID()}`;
      const sealed = await seal(partly, 3, await writeFirst(partly, 3));
      const location = `${BUCKET}/${sealed.key}`;
      await writeFirst(partly, 4);
      const running = await runCli('--data-dir', dataDir, 'verify', partly);
      expect(running.code).toBe(0);
      expect(running.stdout).toContain(`Digest #${sealed.digestSeq} (${location}) vouches for seq 3:`);
      expect(running.stdout).toContain(
        `WARNING ${partly}: 1 newer event not yet in a digest: it has not ended, and the next digest seals them\n`,
      );

      // The rest written behind the writer: the end, and the record of its notification.
      await writeFirst(partly, history.length);
      const ended = await runCli('--data-dir', dataDir, 'verify', partly);
      expect(ended.code).toBe(1);
      expect(ended.stdout).toContain(`OK ${partly}: ${history.length} events, chain intact`);
      expect(ended.stdout).toContain(
        `UNSEALED ${partly}: the end (seq ${firstEnd}) is in no digest: digest #${sealed.digestSeq} (${location}) vouches for seq 3 of ${history.length} only;`,
      );
      const report = await runCli('--data-dir', dataDir, 'report', partly, '--format', 'md');
      expect(report.code).toBe(1);
      expect(report.stdout).toContain('| Signed digest | **UNSEALED**: ');
    });

    it('sealed at its end, the records of its notification and cleanup newer: verify names the vouch for the end, warns, and exits 0', async () => {
      const ended = `exec-${randomUUID()}`;
      const endHash = await writeFirst(ended, firstEnd);
      const sealed = await seal(ended, firstEnd, endHash);
      await writeFirst(ended, history.length);
      const run = await runCli('--data-dir', dataDir, 'verify', ended);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Digest #${sealed.digestSeq} (${BUCKET}/${sealed.key}) vouches for seq ${firstEnd}:${endHash}, the end\n` +
          `WARNING ${ended}: ${history.length - firstEnd} newer events not yet in a digest, after the end (the records of its notification and a drill's cleanup)\n`,
      );
    });
  });

  describe('attacks, one after another on the same folder', () => {
    let bucket: FolderBucket;
    beforeAll(async () => {
      // The chain as the ledgers above left it.
      digests = await listed(dataDir);
      newest = digests.at(-1) as ListedDigest;
    });
    beforeEach(async () => {
      bucket = await openFolderBucket(dataDir);
    });
    afterEach(() => bucket.close());

    it('a digest signed by another key at the next number: digests verify names it; verify fails even a ledger it does not touch', async () => {
      const n = newest.digestSeq as number;
      const previous = await bucket.get(newest.key);
      // Well formed, linked to the newest digest, naming our key, vouching for the forger's heads: but not signed by our key.
      const forged = forgedDigest(n + 1, bucket.keyArn, { digestSeq: n, bytes: previous.bytes }, [
        { executionId: second.executionId, seq: second.headSeq, hash: 'f'.repeat(64) },
      ]);
      await bucket.put(forged.key, forged.bytes, signedBy(forged.bytes, forgersKey()));

      const run = await runCli('--data-dir', dataDir, 'digests', 'verify');
      expect(run.code).toBe(1);
      expect(run.stdout).toBe(
        `BROKEN: 1 problem(s) in the digest chain ${BUCKET}/digests/ (${n} of ${n + 1} digests verified, intact up to #${n}):\n` +
          `  ${forged.key}: digest #${n + 1} cannot be trusted: its signature does not verify with the signing key's public key\n`,
      );
      const list = await runCli('--data-dir', dataDir, 'digests', 'list');
      expect(list.stdout.trim().split('\n').at(-1)).toMatch(/ {2}NOT VERIFIED \(drs-ledger digests verify says why\)$/);

      // The forged digest contradicts the second drill's ledger, but proves nothing: it is not ours. Yet whoever can
      // break the chain after a vouch can also hide there the newer digest that would contradict the ledger.
      const vouch = sealing(second.executionId);
      const verify = await runCli('--data-dir', dataDir, 'verify', second.executionId);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain(`OK ${second.executionId}: ${second.headSeq} events, chain intact`);
      expect(verify.stdout).toContain(
        `DIGEST CHAIN BROKEN ${second.executionId}: the chain is intact only up to digest #${n}, which vouches for seq ${vouch.seq} of ${second.headSeq}: ` +
          'a broken chain can hide a newer digest that contradicts this ledger, so no vouch is the last word:\n' +
          `  ${BUCKET}/${forged.key}: digest #${n + 1} cannot be trusted: its signature does not verify with the signing key's public key\n`,
      );
      const json = JSON.parse((await runCli('--data-dir', dataDir, 'verify', second.executionId, '--json')).stdout) as unknown;
      expect(json).toMatchObject({
        ok: true,
        verdict: { ok: false, failedBy: ['signed digests'] },
        digests: { status: 'chain-broken', ok: false },
      });
    });

    it('a digest put two numbers on, unsigned, leaving a gap: digests verify names the missing digest and the unsigned one', async () => {
      const n = newest.digestSeq as number;
      const forged = forgedDigest(n + 3, bucket.keyArn, { digestSeq: n + 2, bytes: Buffer.from('never written') }, []);
      await bucket.put(forged.key, forged.bytes);

      const run = await runCli('--data-dir', dataDir, 'digests', 'verify');
      expect(run.code).toBe(1);
      expect(run.stdout.split('\n').slice(1)).toEqual([
        `  ${digestKey(PREFIX, n + 1)}: digest #${n + 1} cannot be trusted: its signature does not verify with the signing key's public key`,
        `  ${digestKey(PREFIX, n + 2)}: digest #${n + 2} is missing: the chain has a gap`,
        `  ${forged.key}: digest #${n + 3} cannot be trusted: it carries no signature`,
        '',
      ]);
    });

    it('a ledger no digest names, once the chain is broken: verify says DIGEST CHAIN BROKEN and exits 1', async () => {
      const run = await runCli('--data-dir', dataDir, 'verify', unsealed);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`OK ${unsealed}: `);
      expect(run.stdout).toContain(
        `DIGEST CHAIN BROKEN ${unsealed}: the chain is intact only up to digest #${newest.digestSeq}, before any digest names this execution`,
      );
      expect(run.stdout).toContain(`  ${BUCKET}/${digestKey(PREFIX, (newest.digestSeq as number) + 2)}: digest #`);
    });

    it('THE WHOLE-REWRITE ATTACK: a ledger rewritten from its first event verifies alone, but verify says TAMPERED, contradicted by its digests', async () => {
      const items = await ledgerItems(dataDir, first.executionId);
      // Who started it and who resumed it, rewritten; every state digest and hash recomputed, written with PutItem only.
      const events = items.map(eventOf).map((event): ExecutionEvent => {
        if (event.type === 'ExecutionStarted') return { ...event, actor: MALLORY, data: { ...event.data, initiatedBy: MALLORY } };
        if (event.type === 'ExecutionResumed') return { ...event, actor: MALLORY, data: { ...event.data, resumedBy: MALLORY } };
        return event;
      });
      const forgedHashes = await writeLedger(dataDir, first.executionId, events, items.map(hasSnapshot));
      const forgedHead = forgedHashes.at(-1) as string;

      const json = await runCli('--data-dir', dataDir, 'verify', first.executionId, '--json');
      const verdict = JSON.parse(json.stdout) as { ok: boolean; headHash: string; digests: { status: string; problems: string[] } };
      // The hash chain alone: intact, ending at the forger's head.
      expect(verdict).toMatchObject({ ok: true, headHash: forgedHead, digests: { status: 'contradicted' } });
      expect(json.code).toBe(1);

      const sealing = digests.filter((digest) => digest.heads?.some((head) => head.executionId === first.executionId));
      expect(verdict.digests.problems).toEqual(
        sealing.map((digest) => {
          const head = digest.heads?.find((each) => each.executionId === first.executionId) as { seq: number; hash: string };
          const now = forgedHashes[head.seq - 1] as string;
          return `digest #${digest.digestSeq} (${digest.key}) recorded seq ${head.seq} with hash ${head.hash}; the ledger's item ${head.seq} has ${now}: rewritten after the digest`;
        }),
      );
      const run = await runCli('--data-dir', dataDir, 'verify', first.executionId);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`OK ${first.executionId}: ${first.headSeq} events, chain intact, head ${first.headSeq}:${forgedHead}\n`);
      expect(run.stdout).toContain(
        `TAMPERED ${first.executionId}: contradicted by the signed digests (the ledger was rewritten or cut after they sealed it):\n` +
          verdict.digests.problems.map((problem) => `  ${problem}\n`).join(''),
      );

      // The evidence report says so too, and fails.
      const report = await runCli('--data-dir', dataDir, 'report', first.executionId, '--format', 'json');
      expect(report.code).toBe(1);
      expect(JSON.parse(report.stdout)).toMatchObject({
        execution: { initiatedBy: MALLORY },
        ledger: { headHash: forgedHead, verification: { ok: true } },
        digests: { status: 'contradicted', problems: verdict.digests.problems },
      });
      const file = join(tempDataDir(), 'report.md');
      const markdown = await runCli('--data-dir', dataDir, 'report', first.executionId, '--format', 'md', '--out', file);
      expect(markdown.code).toBe(1);
      expect(markdown.stdout).toBe('');
      expect(markdown.stderr).toContain(`TAMPERED ${first.executionId}: contradicted by the signed digests`);
      expect(readFileSync(file, 'utf8')).toContain('| Signed digest | **CONTRADICTED**: ');
    });

    it('an object whose key would forge a line on the terminal: digests verify and list show it, never obey it', async () => {
      const key = `${PREFIX}x\nOK: 99 digests, chain intact\u202E.json`;
      await bucket.put(key, Buffer.from('\u001b]0;owned\u0007'));

      for (const command of ['verify', 'list']) {
        const run = await runCli('--data-dir', dataDir, 'digests', command);
        expect(run.stdout.split('\n').filter((line) => line.startsWith('OK: 99'))).toEqual([]);
        expect(run.stdout).not.toMatch(/[\u001b\u0007\u202E]/);
        expect(run.stdout).toContain(`${PREFIX}x\\nOK: 99 digests, chain intact\\u{202E}.json`);
      }
    });

    it('a ledger deleted whole: verify does not answer "not found" but TAMPERED, naming the digests that sealed it', async () => {
      const ledger = await openLedger(dataDir);
      const raw = new RawLedger(ledger.client, ledger.config.tables.events, second.executionId);
      for (const item of await raw.items()) await raw.delete(seqOf(item));
      await ledger.close();

      const run = await runCli('--data-dir', dataDir, 'verify', second.executionId);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`TAMPERED ${second.executionId}: first bad seq 1, missing`);
      expect(run.stdout).toContain(`TAMPERED ${second.executionId}: contradicted by the signed digests`);
      const vouch = sealing(second.executionId);
      expect(run.stdout).toContain(
        `  digest #${vouch.digestSeq} (${vouch.key}) recorded seq ${vouch.seq}, but the ledger has no item ${vouch.seq} (it ends at 0)\n`,
      );
      // An id no ledger, alarm or digest ever had is still not found.
      const unknown = await runCli('--data-dir', dataDir, 'verify', 'exec-never-was');
      expect(unknown).toMatchObject({ code: 2, stderr: 'drs-ledger: Execution not found: exec-never-was\n' });
    });
  });
});
