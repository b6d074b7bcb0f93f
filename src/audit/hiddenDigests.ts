import { digestKey, digestSeqOfKey } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';

/** Keys probed at once. */
const PROBE_CONCURRENCY = 8;
/**
 * Probes at most this many keys in all: hidden digests are named one by one up to it, and a longer run (or a gap
 * to a number far ahead) is still reported as the gap it leaves.
 */
export const MAX_DIGEST_PROBES = 256;

/** The digest numbers a listing skips (gaps before and between listed digests), in order, up to `max` of them. */
const skippedNumbers = (listed: number[], max: number): number[] => {
  const skipped: number[] = [];
  let expected = 1;
  for (const seq of listed) {
    for (let missing = expected; missing < seq && skipped.length < max; missing += 1) skipped.push(missing);
    expected = Math.max(expected, seq + 1);
  }
  return skipped;
};

/**
 * The digest keys a delete marker hides. Object Lock keeps every version of a digest, but a DeleteObject without
 * a version id stacks a delete marker on the key, and the digest then lists and reads as absent: a hidden tail
 * looks like a shorter chain, a hidden middle like a gap. So every number the listing skips is probed, and the
 * numbers after the newest listed one, for as long as each is a delete marker.
 */
export const hiddenDigestKeys = async (archive: DigestArchive, listedKeys: string[]): Promise<string[]> => {
  const listed = listedKeys.flatMap((key) => {
    const seq = digestSeqOfKey(archive.prefix, key);
    return seq === undefined ? [] : [seq];
  });
  listed.sort((a, b) => a - b);
  const hidden: string[] = [];
  const skipped = skippedNumbers(listed, MAX_DIGEST_PROBES).map((seq) => digestKey(archive.prefix, seq));
  for (let start = 0; start < skipped.length; start += PROBE_CONCURRENCY) {
    const batch = skipped.slice(start, start + PROBE_CONCURRENCY);
    const presence = await Promise.all(batch.map((key) => archive.presence(key)));
    hidden.push(...batch.filter((_, index) => presence[index] === 'deleted'));
  }
  let next = (listed.at(-1) ?? 0) + 1;
  for (let probes = skipped.length; probes < MAX_DIGEST_PROBES; probes += 1, next += 1) {
    const key = digestKey(archive.prefix, next);
    if ((await archive.presence(key)) !== 'deleted') break;
    hidden.push(key);
  }
  return hidden;
};
