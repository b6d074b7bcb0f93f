import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readDigests } from '../../audit';
import { digestKey, digestSeqOfKey, parseDigest, publicKeyPem, sha256Hex } from '../../domain/digest';
import { runningServe } from '../dataDir';
import { type DigestChainAccess, openDeployedDigests, openLocalDigests, stackConfigEnv } from '../digestAccess';
import { deployedStack } from '../deployedStackScope';
import { EXIT, UsageError } from '../exitCodes';
import { jsonForTerminal, shown } from '../render/terminalText';

export interface DigestsOptions {
  json?: boolean;
  /** The deployed stack's chain (DIGEST_BUCKET, DIGEST_KEY_ID) instead of the data folder's. */
  aws?: boolean;
}

/**
 * Runs `work` on the digest chain: the data folder's (through a running `serve`'s endpoints, or emulators
 * started on the folder), or the deployed one: the --stage stack's bucket and key, or with --aws the environment's. A folder with no chain says so; --aws without one
 * configured, or a command that `needsChain`, is a usage error.
 */
const withDigests = async (
  dataDir: string,
  options: DigestsOptions,
  out: NodeJS.WritableStream,
  work: (access: DigestChainAccess) => Promise<number>,
  needsChain = false,
): Promise<number> => {
  const stack = deployedStack();
  const opened = stack
    ? await openDeployedDigests(stackConfigEnv(await stack))
    : options.aws
      ? await openDeployedDigests()
      : await openLocalDigests(dataDir, runningServe(dataDir));
  try {
    const { access } = opened;
    if (access.available) return await work(access);
    if (stack || options.aws || needsChain) throw new UsageError(`No signed digests: ${access.reason}`);
    out.write(
      options.json ? `${jsonForTerminal({ available: false, reason: access.reason })}\n` : `No signed digests: ${shown(access.reason)}\n`,
    );
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};

/**
 * `drs-ledger digests verify`: every digest read and checked (signature by the key, numbering without a gap,
 * links by SHA-256, dates): each problem printed with its digest's key; exit 1 on any.
 */
export const runDigestsVerify = (dataDir: string, options: DigestsOptions, out: NodeJS.WritableStream) =>
  withDigests(dataDir, options, out, async (access) => {
    const { chain } = await readDigests(access);
    const newest = chain.verified.at(-1);
    if (options.json) {
      out.write(
        `${jsonForTerminal({
          chain: access.where,
          keyId: access.publicKey.keyId,
          digests: chain.newestSeq,
          verified: chain.verified.length,
          intact: chain.problems.length === 0,
          ...(newest
            ? { newest: { digestSeq: newest.document.digestSeq, key: newest.key, location: access.archive.location(newest.key) } }
            : {}),
          problems: chain.problems.map((problem) => ({ ...problem, location: access.archive.location(problem.key) })),
        })}\n`,
      );
    } else if (chain.problems.length > 0) {
      out.write(
        `BROKEN: ${chain.problems.length} problem(s) in the digest chain ${shown(access.where)} ` +
          `(${chain.verified.length} of ${chain.newestSeq} digests verified${newest ? `, intact up to #${newest.document.digestSeq}` : ''}):\n`,
      );
      // The key is the bucket's, and a problem may quote what a digest claims: both shown, never obeyed.
      for (const problem of chain.problems) out.write(`  ${shown(problem.key)}: ${shown(problem.problem)}\n`);
    } else if (!newest) {
      out.write(`OK: no digests yet in ${shown(access.where)}\n`);
    } else {
      out.write(
        `OK: ${chain.newestSeq} digests, chain intact, newest #${newest.document.digestSeq} (${shown(access.archive.location(newest.key))})\n`,
      );
    }
    return chain.problems.length === 0 ? EXIT.ok : EXIT.executionFailed;
  });

const heads = (count: number): string => `${count} head${count === 1 ? '' : 's'}`;

/** `drs-ledger digests list`: every object under the digest prefix: number, created, trigger, heads, location. */
export const runDigestsList = (dataDir: string, options: DigestsOptions, out: NodeJS.WritableStream) =>
  withDigests(dataDir, options, out, async (access) => {
    const { stored, chain } = await readDigests(access);
    const trusted = new Set(chain.verified.map((digest) => digest.key));
    for (const object of stored) {
      const location = access.archive.location(object.key);
      const parsed = parseDigest(object.bytes);
      const verified = trusted.has(object.key);
      if (options.json) {
        const document = parsed.ok ? parsed.document : undefined;
        out.write(
          `${jsonForTerminal({
            digestSeq: digestSeqOfKey(access.archive.prefix, object.key) ?? null,
            key: object.key,
            location,
            verified,
            ...(document
              ? { createdAt: document.createdAt, trigger: document.trigger, heads: document.heads }
              : { problem: parsed.ok ? '' : parsed.problem }),
          })}\n`,
        );
      } else if (parsed.ok) {
        const { document } = parsed;
        out.write(
          `#${document.digestSeq}  ${shown(document.createdAt)}  ${document.trigger.padEnd(14)}  ${heads(document.heads.length).padEnd(9)}  ${shown(location)}` +
            `${verified ? '' : '  NOT VERIFIED (drs-ledger digests verify says why)'}\n`,
        );
      } else {
        out.write(`?  ${shown(location)}  NOT A DIGEST: ${shown(parsed.problem)}\n`);
      }
    }
    if (!options.json && stored.length === 0) out.write(`No digests yet in ${shown(access.where)}\n`);
    return EXIT.ok;
  });

/**
 * `drs-ledger digests fetch <n> --out <dir>`: what an auditor checks with openssl, as stored: digest-<n>.json
 * (the exact bytes that were signed), digest-<n>.sig (the DER signature from the object's metadata) and
 * public-key.pem (the signing key's public half, from KMS).
 */
export const runDigestsFetch = (dataDir: string, digestSeq: number, outDir: string, options: DigestsOptions, out: NodeJS.WritableStream) =>
  withDigests(
    dataDir,
    options,
    out,
    async (access) => {
      const key = digestKey(access.archive.prefix, digestSeq);
      const object = await access.archive.get(key);
      if (!object) throw new UsageError(`Digest #${digestSeq} is not in ${access.where}: no object at ${access.archive.location(key)}`);
      const folder = resolve(outDir);
      mkdirSync(folder, { recursive: true });
      const files = {
        digest: join(folder, `digest-${digestSeq}.json`),
        signature: join(folder, `digest-${digestSeq}.sig`),
        key: join(folder, 'public-key.pem'),
      };
      writeFileSync(files.digest, object.bytes);
      // Never a signature left by an earlier fetch beside a digest that has none.
      if (object.signature) writeFileSync(files.signature, object.signature);
      else rmSync(files.signature, { force: true });
      writeFileSync(files.key, publicKeyPem(await access.publicKey.publicKeyDer()));
      out.write(
        [
          `Digest #${digestSeq} (${shown(access.archive.location(key))}), sha256 ${sha256Hex(object.bytes)}:`,
          `  ${shown(files.digest)}  the digest, ${object.bytes.length} bytes as stored`,
          object.signature ? `  ${shown(files.signature)}  its signature (DER, ECDSA_SHA_256)` : '  NO SIGNATURE: the object carries none',
          `  ${shown(files.key)}  the public half of ${shown(access.publicKey.keyId)}, which the digest must name as its keyId`,
          ...(object.signature
            ? [
                `Check it: openssl dgst -sha256 -verify public-key.pem -signature digest-${digestSeq}.sig digest-${digestSeq}.json   (in ${shown(folder)})`,
              ]
            : []),
          '',
        ].join('\n'),
      );
      return object.signature ? EXIT.ok : EXIT.executionFailed;
    },
    true,
  );
