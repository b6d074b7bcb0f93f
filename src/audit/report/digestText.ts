import type { DigestEvidence, Evidence } from './evidence';
import { formatInstant } from './format';

const DIGEST_WORDS: Record<DigestEvidence['status'], string> = {
  covered: 'VOUCHED',
  uncovered: 'NOT YET SEALED',
  unsealed: 'UNSEALED',
  contradicted: 'CONTRADICTED',
  'chain-broken': 'CHAIN BROKEN',
  'not-checked': 'NOT CHECKED',
};

/** The word a summary shows beside the description. */
export const digestWord = (digests: Evidence['digests']): string => (digests === undefined ? 'NOT CHECKED' : DIGEST_WORDS[digests.status]);

/** Vouched for is good news; an end unsealed, contradicted or broken is bad; not yet sealed is a warning; not checked, neutral. */
export const digestTone = (digests: Evidence['digests']): 'good' | 'bad' | 'warn' | 'neutral' => {
  switch (digests?.status) {
    case 'covered':
      return 'good';
    case 'unsealed':
    case 'contradicted':
    case 'chain-broken':
      return 'bad';
    case 'uncovered':
      return 'warn';
    default:
      return 'neutral';
  }
};

/** How a renderer writes a sentence's words and its values (a location, a head): each escaped its own way. */
export interface DigestTextStyle {
  text: (words: string) => string;
  code: (value: string) => string;
}

/** A sentence as a renderer writes it: words and values (set apart, as code) in turn. */
type Sentence = Array<string | { code: string }>;

const written = (sentence: Sentence, style: DigestTextStyle): string =>
  sentence.map((part) => (typeof part === 'string' ? style.text(part) : style.code(part.code))).join('');

const newer = (count: number): string => `${count} newer event${count === 1 ? '' : 's'} not yet in a digest`;

/** What a vouch leaves out, if anything: after an end only the record of its notification; before, what the next digest seals. */
const coveredTail = (digests: Extract<DigestEvidence, { status: 'covered' }>): string => {
  const theEnd = digests.seq === digests.endedAtSeq ? ', the end' : '';
  if (digests.eventsAfter === 0) return ', the head';
  if (digests.endedAtSeq !== undefined)
    return `${theEnd}; ${newer(digests.eventsAfter)}, after the end (${digests.eventsAfter === 1 ? 'the record of its notification' : "the records of its notification and a drill's cleanup"})`;
  return `; ${newer(digests.eventsAfter)} (it has not ended: the next digest seals them)`;
};

const sentenceOf = (digests: Evidence['digests']): Sentence => {
  if (digests === undefined) return ['not checked (this report was built without the signed digest chain)'];
  switch (digests.status) {
    case 'not-checked':
      return [`not checked: ${digests.reason}`];
    case 'covered':
      return [
        `digest #${digests.digestSeq} `,
        { code: digests.location },
        ` (created ${formatInstant(digests.createdAt)}) vouches for seq:hash `,
        { code: `${digests.seq}:${digests.hash}` },
        coveredTail(digests),
      ];
    case 'uncovered':
      return [
        `no signed digest names this execution yet (the chain holds ${digests.digests}): it has not ended, and its hash chain alone vouches for its ledger until a digest seals it`,
      ];
    case 'unsealed':
      return [
        `the end (seq ${digests.endedAtSeq}) is in no digest: `,
        ...(digests.vouched
          ? [`digest #${digests.vouched.digestSeq} `, { code: digests.vouched.location }, ` vouches for seq ${digests.vouched.seq} only`]
          : [`no digest names this execution (the chain holds ${digests.digests})`]),
        '; the ledger of an ended execution must be sealed up to its end',
      ];
    case 'contradicted':
      return ['the signed digests contradict the ledger: it was rewritten or cut after they sealed it (every problem below)'];
    case 'chain-broken':
      return [
        `the digest chain is intact only up to digest #${digests.intactUpTo}, ` +
          (digests.vouchedSeq === undefined
            ? 'before any digest names this execution'
            : `which vouches for seq ${digests.vouchedSeq} of ${digests.headSeq}`) +
          ': a broken chain can hide a newer digest that contradicts the ledger, so no vouch is the last word (every problem below)',
      ];
  }
};

/**
 * What the signed digest chain says of the ledger, in one sentence written in `style`. A reason or a location
 * quotes what the bucket or the configuration holds: the style escapes it as any other text.
 */
export const describeDigests = (digests: Evidence['digests'], style: DigestTextStyle): string => written(sentenceOf(digests), style);

/** Each problem behind the verdict, one a line: the digests' against the ledger, then the chain's (where and what). */
export const digestProblems = (digests: Evidence['digests']): string[] => {
  if (digests === undefined || digests.status === 'not-checked') return [];
  const own = digests.status === 'contradicted' ? digests.problems : [];
  return [...own, ...digests.chainProblems.map((problem) => `${problem.location}: ${problem.problem}`)];
};
