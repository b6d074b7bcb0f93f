import type { ExecutionEvent } from '../../domain/execution';
import type { FailureEvidence, NotificationEvidence } from './evidence';

/** Every failure the ledger records, in order, in the words DRS (or the service) gave. */
/** A wave number as the ledger holds it: typed, but not checked when read (a rewritten ledger may hold text there). */
const waveNumberOf = (value: unknown): { waveNumber?: number } =>
  typeof value === 'number' && Number.isSafeInteger(value) ? { waveNumber: value } : {};

export const failures = (events: readonly ExecutionEvent[]): FailureEvidence[] => {
  const found: FailureEvidence[] = [];
  const reported = new Set<string>();
  for (const event of events) {
    const at = { seq: event.seq, at: event.occurredAt };
    switch (event.type) {
      case 'WaveStartFailed':
        found.push({
          ...at,
          scope: 'wave-start',
          waveNumber: event.data.waveNumber,
          reason: `${event.data.error.code}: ${event.data.error.message}${event.data.retryable ? ' (retried)' : ''}`,
        });
        break;
      case 'WaveStarted':
      case 'WavePolled':
        for (const server of event.data.servers) {
          const key = `${event.data.waveNumber}/${server.serverId}`;
          if ((server.launchStatus === 'FAILED' || server.launchStatus === 'TERMINATED') && !reported.has(key)) {
            reported.add(key);
            found.push({
              ...at,
              scope: 'server',
              waveNumber: event.data.waveNumber,
              serverId: server.serverId,
              reason: server.failureReason ?? server.launchStatus,
            });
          }
        }
        break;
      case 'WaveFailed':
        found.push({ ...at, scope: 'wave', ...waveNumberOf(event.data.waveNumber), reason: event.data.reason });
        break;
      case 'ExecutionFailed':
        found.push({
          ...at,
          scope: 'execution',
          ...waveNumberOf(event.data.waveNumber),
          reason: event.data.reason,
        });
        break;
      case 'NotificationFailed':
        found.push({ ...at, scope: 'notification', reason: `${event.data.error.code}: ${event.data.error.message}` });
        break;
      default:
        break;
    }
  }
  return found;
};

/** The notifications sent (or not) about the outcome. */
export const notifications = (events: readonly ExecutionEvent[]): NotificationEvidence[] =>
  events.flatMap((event): NotificationEvidence[] => {
    if (event.type !== 'NotificationSent' && event.type !== 'NotificationFailed') return [];
    const about = events.find((candidate) => candidate.seq === event.data.forSeq);
    const base = { seq: event.seq, at: event.occurredAt, forSeq: event.data.forSeq, ...(about ? { forType: about.type } : {}) };
    return event.type === 'NotificationSent'
      ? [{ ...base, outcome: 'sent', messageId: event.data.messageId }]
      : [{ ...base, outcome: 'failed', error: `${event.data.error.code}: ${event.data.error.message}` }];
  });
