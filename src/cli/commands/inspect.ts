import { importedMark, replayAt } from '../../audit';
import { catchUpView } from '../../operations/catchUpView';
import type { ExecutionEvent } from '../../domain/execution';
import { executionNotFound, importedBanner, openSealedImport } from '../importedEvidence';
import { type LedgerAccess, openLedger } from '../ledgerAccess';
import { statusTable } from '../render/details';
import { jsonForTerminal, shown } from '../render/terminalText';
import { withoutRecordedExternalId } from '../render/recordedSecrets';
import { shownView } from '../../../projections/executionView';
import { UsageError } from '../exitCodes';

/** An imported execution's view: the fold of its sealed import (it has no view in the read model), marked. */
const importedStatus = async (ledger: LedgerAccess, executionId: string, json: boolean, out: NodeJS.WritableStream): Promise<number> => {
  const imported = await openSealedImport(ledger.imported, executionId);
  const replayed = await replayAt(imported.ledger, executionId, { seq: imported.seal.eventCount });
  if (!replayed.ok) throw new UsageError(`The sealed import of ${executionId} cannot be shown: ${replayed.error.kind}`);
  out.write(
    json
      ? `${jsonForTerminal({ ...replayed.view, imported: importedMark(imported.seal) })}\n`
      : `${importedBanner(imported.seal)}\n${statusTable(replayed.view)}\n`,
  );
  return 0;
};

/**
 * `drs-ledger status <executionId>`: the read model (caught up from the ledger if it lags) as a table; with
 * --imported, an imported execution's.
 */
export const runStatus = async (
  dataDir: string,
  executionId: string,
  json: boolean,
  out: NodeJS.WritableStream,
  imported = false,
): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    if (imported) return await importedStatus(ledger, executionId, json, out);
    const stored = await ledger.views.get(executionId);
    const view = await catchUpView(ledger.store, executionId, stored);
    if (!view) throw await executionNotFound(ledger.imported, executionId);
    out.write(json ? `${jsonForTerminal(shownView(view))}\n` : `${statusTable(view)}\n`);
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

/** `drs-ledger events <executionId>`: the ledger, one event a line (or JSON Lines with its hashes); its texts shown (see terminalText). */
export const runEvents = async (
  dataDir: string,
  executionId: string,
  json: boolean,
  out: NodeJS.WritableStream,
  imported = false,
): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    // --imported: the events of the execution's sealed import, each JSON line naming the import.
    const sealed = imported ? await openSealedImport(ledger.imported, executionId) : undefined;
    const events = sealed ? await sealed.ledger.read(executionId) : await ledger.store.read(executionId);
    if (events.length === 0) throw await executionNotFound(ledger.imported, executionId);
    if (sealed && !json) out.write(`${importedBanner(sealed.seal)}\n`);
    const mark = sealed ? { importId: sealed.seal.importId } : {};
    for (const { event, hash, prevHash } of events) {
      out.write(
        json
          ? `${jsonForTerminal({ ...withoutRecordedExternalId(event), prevHash, hash, ...mark })}\n`
          : `${shown(event.seq).padStart(4)}  ${shown(event.occurredAt)}  ${shown(event.type).padEnd(20)} ${shown(event.actor).padEnd(24)} ${shown(summarise(event))}\n`,
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
