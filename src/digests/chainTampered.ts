/**
 * The bucket was tampered with where the writer would continue the chain (a digest hidden under a delete marker,
 * an object at its top that is not a digest of ours). Nothing is written until someone looks into it: a digest
 * written there would fork the chain or link onto a forgery. Each head that was to be sealed raises an alarm.
 */
export class DigestChainTamperedError extends Error {
  constructor(readonly problem: string) {
    super(`${problem}; digests stop until it is looked into`);
    this.name = 'DigestChainTamperedError';
  }
}
