import { type DigestEvidence, digestEvidenceOf, importedMark, sealedHead, verifyRecords } from '../../audit';
import { IMPORTED_NOT_IN_DIGESTS, readChainInput } from '../digestAccess';
import { EXIT, UsageError } from '../exitCodes';
import { executionNotFound, importedBanner, openSealedImport } from '../importedEvidence';
import { ledgerRecordReader, withLedger } from '../ledgerAccess';
import { digestsFail, digestVerdictLines } from '../render/digestVerdict';
import { tamperAlarmLines } from '../render/tamperAlarms';
import { jsonForTerminal, shown } from '../render/terminalText';

/** `seq:hash`, as a report or an export header records a head. */
const parseHead = (text: string): { seq: number; hash: string } => {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new UsageError('--expected-head must be <seq>:<sha256 hex>, as printed by verify or a report');
  return { seq: Number(match[1]), hash: match[2] as string };
};

export interface VerifyCommandOptions {
  expectedHead?: string;
  json?: boolean;
  imported?: boolean;
  /** The deployed stack's tables and digest chain instead of the local ones. */
  aws?: boolean;
}

/**
 * `drs-ledger verify <id>`: recompute the hash chain from the table (exit 1 at the first bad seq), then hold the
 * ledger as stored against the signed digest chain: a whole rewrite verifies alone, but not against a digest
 * that sealed the ledger before it. With --imported, the execution's sealed import instead, which must end
 * exactly at the head its seal recorded (no digest of this stack sealed it).
 */
export const runVerify = (dataDir: string, executionId: string, options: VerifyCommandOptions, out: NodeJS.WritableStream) =>
  withLedger(
    dataDir,
    async (ledger) => {
      if (options.imported && options.aws) throw new UsageError('--imported reads the imports kept here: it does not go with --aws');
      // Kept outside the ledger: they outlive the items they are about, which verification cannot see any more.
      const alarms = await ledger.tamperAlarms.list(executionId);
      const imported = options.imported ? await openSealedImport(ledger.imported, executionId) : undefined;
      const expectedHead = options.expectedHead ? parseHead(options.expectedHead) : imported && sealedHead(imported.seal);
      const records = await (imported?.ledger ?? ledgerRecordReader(ledger)).readRecords(executionId);
      const verified = verifyRecords(executionId, records, expectedHead ? { expectedHead } : {});
      const digests: DigestEvidence = digestEvidenceOf(
        executionId,
        records,
        imported ? { unavailable: IMPORTED_NOT_IN_DIGESTS } : await readChainInput(await ledger.digests()),
      );
      const nothingLeft = !imported && !verified.ok && verified.problem === 'missing' && verified.firstBadSeq === 1;
      // No item, no alarm and no digest that ever sealed it: an execution this ledger never had.
      if (nothingLeft && !(await ledger.store.head(executionId)) && alarms.length === 0 && digests.status !== 'contradicted') {
        throw await executionNotFound(ledger.imported, executionId);
      }
      if (imported && !options.json) out.write(`${importedBanner(imported.seal)}\n`);
      if (options.json) {
        const { events: _events, ...rest } = verified.ok ? verified : { ...verified, events: undefined };
        const mark = imported ? { imported: importedMark(imported.seal) } : {};
        out.write(`${jsonForTerminal({ executionId, ...rest, ...mark, tamperAlarms: alarms, digests })}\n`);
      } else if (verified.ok) {
        out.write(`OK ${shown(executionId)}: ${verified.headSeq} events, chain intact, head ${verified.headSeq}:${verified.headHash}\n`);
      } else {
        // The detail may quote what the ledger holds.
        out.write(
          `TAMPERED ${shown(executionId)}: first bad seq ${verified.firstBadSeq}, ${verified.problem}: ${shown(verified.detail)}\n`,
        );
      }
      // A chain that verifies is not enough: a whole rewrite recomputes every hash, but not the digests that sealed it.
      if (!options.json) for (const line of digestVerdictLines(executionId, digests)) out.write(`${line}\n`);
      // Nor is it when an item changed and changed back: the alarm stays.
      if (!options.json) for (const line of tamperAlarmLines(executionId, alarms)) out.write(`${line}\n`);
      return verified.ok && alarms.length === 0 && !digestsFail(digests) ? EXIT.ok : EXIT.executionFailed;
    },
    options.aws === true,
  );
