import { catchUpView } from '../../operations/catchUpView';
import type { ExecutionEvent } from '../../domain/execution';
import { openLedger } from '../ledgerAccess';
import { statusTable } from '../render/details';
import { UsageError } from '../exitCodes';

/** `drs-ledger status <executionId>`: the read model (caught up from the ledger if it lags) as a table. */
export const runStatus = async (dataDir: string, executionId: string, json: boolean, out: NodeJS.WritableStream): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    const stored = await ledger.views.get(executionId);
    const view = await catchUpView(ledger.store, executionId, stored);
    if (!view) throw new UsageError(`Execution not found: ${executionId}`);
    out.write(json ? `${JSON.stringify(view)}\n` : `${statusTable(view)}\n`);
    return 0;
  } finally {
    await ledger.close();
  }
};

const summarise = (event: ExecutionEvent): string => {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'ExecutionStarted':
      return `${event.data.executionType} of ${event.data.plan.planName} (${event.data.plan.waves.length} waves)`;
    case 'WavePolled':
      return `wave ${event.data.waveNumber} job ${event.data.drsJobStatus}; ${event.data.servers.map((server) => `${server.serverId} ${server.launchStatus}`).join(', ') || 'no server changed'}`;
    case 'WaveStarted':
      return `wave ${event.data.waveNumber} job ${event.data.drsJobId} (${event.data.servers.length} servers)`;
    case 'WaveFailed':
      return `wave ${event.data.waveNumber}: ${event.data.reason}`;
    default:
      return Object.entries(data)
        .map(
          ([key, value]) =>
            `${key}=${typeof value === 'object' || typeof value === 'function' ? JSON.stringify(value) : String(value as string | number | boolean | bigint | symbol | undefined)}`,
        )
        .join(' ');
  }
};

/** `drs-ledger events <executionId>`: the ledger, one event a line (or JSON Lines with its hashes). */
export const runEvents = async (dataDir: string, executionId: string, json: boolean, out: NodeJS.WritableStream): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    const events = await ledger.store.read(executionId);
    if (events.length === 0) throw new UsageError(`Execution not found: ${executionId}`);
    for (const { event, hash, prevHash } of events) {
      out.write(
        json
          ? `${JSON.stringify({ ...event, prevHash, hash })}\n`
          : `${String(event.seq).padStart(4)}  ${event.occurredAt}  ${event.type.padEnd(20)} ${event.actor.padEnd(24)} ${summarise(event)}\n`,
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
