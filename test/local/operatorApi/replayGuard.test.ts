/** The replay guard: a signature is accepted once in its window, and a full guard refuses rather than forgets. */
import { ReplayGuard } from '../../../src/local/operatorApi/replayGuard';
import { SIGNATURE_WINDOW_MS } from '../../../src/local/operatorApi/verifySignature';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('ReplayGuard', () => {
  it('admits a signature once while its X-Amz-Date is in the window', () => {
    const guard = new ReplayGuard();

    expect(guard.admit('sig-a', T0, T0)).toEqual({ ok: true });
    expect(guard.admit('sig-a', T0, T0 + SIGNATURE_WINDOW_MS)).toEqual({ ok: false, reason: 'Replayed' });
    expect(guard.admit('sig-b', T0, T0)).toEqual({ ok: true });
  });

  it('when full of signatures still in their window, refuses new ones instead of forgetting one', () => {
    const guard = new ReplayGuard(2);
    guard.admit('sig-a', T0, T0);
    guard.admit('sig-b', T0, T0);

    expect(guard.admit('sig-c', T0, T0 + 1000)).toEqual({ ok: false, reason: 'Full' });
    expect(guard.admit('sig-a', T0, T0 + 1000)).toEqual({ ok: false, reason: 'Replayed' });
  });

  it('forgets signatures whose window has passed (the date check refuses them by then), making room', () => {
    const guard = new ReplayGuard(2);
    guard.admit('sig-a', T0, T0);
    guard.admit('sig-b', T0 + 60_000, T0 + 60_000);

    expect(guard.admit('sig-c', T0 + SIGNATURE_WINDOW_MS + 1, T0 + SIGNATURE_WINDOW_MS + 1)).toEqual({ ok: true });
    expect(guard.size).toBe(2);
  });
});
