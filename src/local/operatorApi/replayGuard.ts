import { SIGNATURE_WINDOW_MS } from './verifySignature';

export type ReplayCheck = { ok: true } | { ok: false; reason: 'Replayed' | 'Full' };

/**
 * Signatures already accepted, each remembered until its X-Amz-Date leaves the window (after that the date
 * check refuses it anyway): a signed request is accepted once. Bounded: when full of signatures still in their
 * window, new requests are refused rather than an old signature forgotten, which would let it be replayed.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Records `signature` if it was not seen in its window; synchronous, so two concurrent requests cannot both pass. */
  admit(signature: string, signedAtMs: number, nowMs: number): ReplayCheck {
    const expiry = this.seen.get(signature);
    if (expiry !== undefined && expiry >= nowMs) return { ok: false, reason: 'Replayed' };
    if (this.seen.size >= this.capacity) this.forgetExpired(nowMs);
    if (this.seen.size >= this.capacity) return { ok: false, reason: 'Full' };
    this.seen.set(signature, signedAtMs + SIGNATURE_WINDOW_MS);
    return { ok: true };
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(nowMs: number): void {
    for (const [signature, expiry] of this.seen) if (expiry < nowMs) this.seen.delete(signature);
  }
}
