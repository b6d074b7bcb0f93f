import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import type { DigestChainInput } from '../../audit';
import { type AppConfig, clientOptions } from '../../config';
import { type DigestAccess, type DigestChainAccess, readChainInput } from '../digestAccess';

/** What a ledger answer and a report are built from: the chain as checked, and what it was checked as of. */
export interface CheckedChain {
  /** Changes whenever any digest object does (see DigestChainCache). */
  fingerprint: string;
  input: DigestChainInput;
}

/** The bucket the chain is in and a client for it, as the ledger's configuration names them. */
interface Listing {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

/**
 * The listing's entry for every digest object, one line each: its key, ETag (the MD5 of its body), last-modified
 * time and size. A digest written over at the same key (a new version: Object Lock keeps the old one but not the
 * key) gets another ETag, or at least another time; one hidden under a delete marker leaves the listing; a new one
 * joins it. None of these leaves the lines as they were.
 */
const listingLines = async ({ s3, bucket, prefix }: Listing): Promise<string[]> => {
  const lines: string[] = [];
  let token: string | undefined;
  do {
    const output = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }),
    );
    for (const object of output.Contents ?? []) {
      lines.push(JSON.stringify([object.Key ?? '', object.ETag ?? '', object.LastModified?.toISOString() ?? '', object.Size ?? -1]));
    }
    token = output.IsTruncated ? output.NextContinuationToken : undefined;
  } while (token);
  return lines;
};

/**
 * The listing client for the chain `access` reads, from the ledger's configuration (the one the access was opened
 * from: the same bucket, endpoint and credentials); undefined when the configuration names another chain, or none.
 */
const listingFor = (config: AppConfig, access: DigestChainAccess): Listing | undefined => {
  const digests = config.digests;
  if (!digests || `s3://${digests.bucket}/${digests.prefix}` !== access.where) return undefined;
  // As S3DigestArchive reaches the bucket: an emulator by path, S3 itself by virtual host.
  const s3 = new S3Client({
    ...clientOptions(config, config.endpoints.s3),
    forcePathStyle: config.endpoints.s3 !== undefined,
    maxAttempts: 3,
  });
  return { s3, bucket: digests.bucket, prefix: digests.prefix };
};

/**
 * The signed digest chain, read and checked again (as `drs-ledger verify` reads it: every digest, its signature,
 * numbering and links) whenever any digest object changed since it was last checked. Each call lists the digests
 * with their ETags and times (ListObjectsV2, the s3:ListBucket a reader already has; one request per 1,000 digests,
 * as the key listing before it): a digest overwritten in place, hidden or added is seen by the very next call, so
 * no verdict outlives a change. A change re-reads the whole chain: one GET and one signature check per digest, as
 * `verify` does, once per change (a new digest every 5 minutes on the schedule, and two at each execution's end).
 */
export class DigestChainCache {
  private cached: CheckedChain | undefined;
  private listing: { for: string; listing: Listing | undefined } | undefined;

  constructor(private readonly access: () => Promise<DigestAccess>) {}

  /** The chain as checked now. `config`: the ledger's, which names the digest bucket and how to reach it. */
  async current(config: AppConfig): Promise<CheckedChain> {
    const access = await this.access();
    if (!access.available) return { fingerprint: `none:${access.reason}`, input: { unavailable: access.reason } };
    if (this.listing?.for !== access.where) {
      this.listing?.listing?.s3.destroy();
      this.listing = { for: access.where, listing: listingFor(config, access) };
    }
    const listing = this.listing.listing;
    // A chain this cache cannot list is read whole at every call: slower, never stale.
    if (!listing) return { fingerprint: `unlisted:${randomUUID()}`, input: await readChainInput(access) };
    const lines = await listingLines(listing);
    const fingerprint = createHash('sha256').update(lines.join('\n')).digest('hex');
    if (this.cached?.fingerprint !== fingerprint) this.cached = { fingerprint, input: await readChainInput(access) };
    return this.cached;
  }
}
