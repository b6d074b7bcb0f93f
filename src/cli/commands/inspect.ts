import { importedMark, replayAt } from '../../audit';
import { catchUpView } from '../../operations/catchUpView';
import { executionNotFound, importedBanner, openSealedImport } from '../importedEvidence';
import { type LedgerAccess, openLedger } from '../ledgerAccess';
import { statusTable } from '../render/details';
import { eventLine } from '../render/eventLine';
import { jsonForTerminal } from '../render/terminalText';
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
    for (const [index, { event, hash, prevHash }] of events.entries()) {
      out.write(
        json
          ? `${jsonForTerminal({ ...withoutRecordedExternalId(event), prevHash, hash, ...mark })}\n`
          : `${eventLine(event, events[index - 1]?.event)}\n`,
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
