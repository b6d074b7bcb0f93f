import type { EventOf } from '../src/domain/execution';
import { boundText } from '../src/domain/text';
import { APPROVAL_VIEW_BYTES, verifiedActor } from './approvalView';
import type { ReadinessView } from './executionView';

/** The override's reason as a view keeps it (the ledger and the report keep it whole): the view's header stays bounded. */
export const READINESS_VIEW_REASON_BYTES = 512;

/** A start's readiness as the view shows it: counts, and who accepted which deviation. */
export const readinessView = (event: EventOf<'ReadinessAssessed'>): ReadinessView => {
  const { totals, deviation } = event.data;
  return {
    blocking: totals.blocking,
    warning: totals.warning,
    ...(deviation
      ? {
          deviation: {
            reason: boundText(deviation.reason, READINESS_VIEW_REASON_BYTES),
            acceptedBy: boundText(deviation.acceptedBy, APPROVAL_VIEW_BYTES.principal),
            ...verifiedActor(deviation.identity),
          },
        }
      : {}),
  };
};
