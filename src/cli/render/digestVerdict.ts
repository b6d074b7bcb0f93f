import type { DigestEvidence, LocatedDigestProblem } from '../../audit';
import { shown } from './terminalText';

/** Whether the digest chain's word on a ledger fails it: an end unsealed, a contradiction, a break anywhere in the chain. */
export const digestsFail = (digests: DigestEvidence): boolean => !digests.ok;

/** A problem of the chain as printed: where the digest is, and what is wrong (both quote the bucket: shown). */
export const digestProblemLine = (problem: LocatedDigestProblem): string => `  ${shown(problem.location)}: ${shown(problem.problem)}`;

const newer = (count: number): string => `${count} newer event${count === 1 ? '' : 's'} not yet in a digest`;

/** A vouch short of the head: after an end only the record of its notification may be; before it, the next digest seals them. */
const newerWarning = (id: string, digests: Extract<DigestEvidence, { status: 'covered' }>): string[] => {
  if (digests.eventsAfter === 0) return [];
  return [
    digests.endedAtSeq === undefined
      ? `WARNING ${id}: ${newer(digests.eventsAfter)}: it has not ended, and the next digest seals them`
      : `WARNING ${id}: ${newer(digests.eventsAfter)}, after the end (${digests.eventsAfter === 1 ? 'the record of its notification' : "the records of its notification and a drill's cleanup"})`,
  ];
};

/**
 * What `verify` prints of the signed digest chain: which digest vouches for the ledger (with a warning for newer
 * events), a warning that none names a running execution yet, or a failure: UNSEALED when an ended execution's
 * end is in no digest, TAMPERED with every contradiction, DIGEST CHAIN BROKEN with every problem of the chain.
 */
export const digestVerdictLines = (executionId: string, digests: DigestEvidence): string[] => {
  const id = shown(executionId);
  switch (digests.status) {
    case 'not-checked':
      return [`Signed digests not checked: ${shown(digests.reason)}`];
    case 'covered':
      return [
        `Digest #${digests.digestSeq} (${shown(digests.location)}) vouches for seq ${digests.seq}:${shown(digests.hash)}` +
          (digests.eventsAfter === 0 ? ', the head' : digests.seq === digests.endedAtSeq ? ', the end' : ''),
        ...newerWarning(id, digests),
      ];
    case 'uncovered':
      return [
        `WARNING ${id}: no signed digest names this execution yet (the chain holds ${digests.digests}): it has not ended, and its hash chain alone vouches for its ledger until a digest seals it`,
      ];
    case 'unsealed':
      return [
        `UNSEALED ${id}: the end (seq ${digests.endedAtSeq}) is in no digest: ` +
          (digests.vouched
            ? `digest #${digests.vouched.digestSeq} (${shown(digests.vouched.location)}) vouches for seq ${digests.vouched.seq} of ${digests.headSeq} only`
            : `no digest names this execution (the chain holds ${digests.digests})`) +
          '; the ledger of an ended execution must be sealed up to its end (drs-ledger digests list shows what was sealed)',
      ];
    case 'contradicted':
      return [
        `TAMPERED ${id}: contradicted by the signed digests (the ledger was rewritten or cut after they sealed it):`,
        ...digests.problems.map((problem) => `  ${shown(problem)}`),
        ...(digests.chainProblems.length ? ['The digest chain itself has problems:', ...digests.chainProblems.map(digestProblemLine)] : []),
      ];
    case 'chain-broken':
      return [
        `DIGEST CHAIN BROKEN ${id}: the chain is intact only up to digest #${digests.intactUpTo}` +
          (digests.vouchedSeq === undefined
            ? ', before any digest names this execution'
            : `, which vouches for seq ${digests.vouchedSeq} of ${digests.headSeq}`) +
          ': a broken chain can hide a newer digest that contradicts this ledger, so no vouch is the last word:',
        ...digests.chainProblems.map(digestProblemLine),
      ];
  }
};
