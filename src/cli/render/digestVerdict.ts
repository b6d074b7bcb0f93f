import type { DigestEvidence, LocatedDigestProblem } from '../../audit';
import { shown } from './terminalText';

/** Whether the digest chain's word on a ledger fails it: a contradiction, or a break where its vouch would be. */
export const digestsFail = (digests: DigestEvidence): boolean => digests.status === 'contradicted' || digests.status === 'chain-broken';

/** A problem of the chain as printed: where the digest is, and what is wrong (both quote the bucket: shown). */
export const digestProblemLine = (problem: LocatedDigestProblem): string => `  ${shown(problem.location)}: ${shown(problem.problem)}`;

const newer = (count: number): string => `${count} newer event${count === 1 ? '' : 's'} not yet in a digest`;

/**
 * What `verify` prints of the signed digest chain: which digest vouches for the ledger, or a warning that none
 * names it yet, or TAMPERED with every contradiction, or the chain's break. Problems of the chain that do not
 * touch this ledger's vouch (after it) are told as a warning, with `digests verify` to see them.
 */
export const digestVerdictLines = (executionId: string, digests: DigestEvidence): string[] => {
  const id = shown(executionId);
  switch (digests.status) {
    case 'not-checked':
      return [`Signed digests not checked: ${shown(digests.reason)}`];
    case 'covered':
      return [
        `Digest #${digests.digestSeq} (${shown(digests.location)}) vouches for seq ${digests.seq}:${shown(digests.hash)}` +
          (digests.eventsAfter === 0 ? ', the head' : `; ${newer(digests.eventsAfter)}`),
        ...(digests.chainProblems.length
          ? [
              `WARNING: the digest chain has ${digests.chainProblems.length} problem(s) after digest #${digests.digestSeq}, which do not touch this vouch:`,
              ...digests.chainProblems.map(digestProblemLine),
            ]
          : []),
      ];
    case 'uncovered':
      return [
        `WARNING ${id}: no signed digest names this execution yet (the chain holds ${digests.digests}): its ledger is vouched for by its hash chain alone`,
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
          ': the digests that would vouch for the rest cannot be trusted:',
        ...digests.chainProblems.map(digestProblemLine),
      ];
  }
};
