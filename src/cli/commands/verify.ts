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
 * that sealed the ledger before it. Exit 1 too when an ended execution's end is in no digest, or the digest
 * chain has any problem; a running one not (yet) sealed is a warning. With --imported, the execution's sealed
 * import instead, which must end exactly at the head its seal recorded (no digest of this stack sealed it).
 */
export const runVerify = (dataDir: string, executionId: string, options: VerifyCommandOptions, out: NodeJS.WritableStream) =>
  withLedger(
    dataDir,
    async (ledger) => {
      if (options.imported && options.aws) throw new UsageError('--imported reads the imports kept here: it does not go with --aws');
      const givenHead = options.expectedHead ? parseHead(options.expectedHead) : undefined;
      const access = options.imported ? undefined : await ledger.digests();
      // A deployed stack always has its chain: without one named, verify --aws would vouch for nothing and pass.
      if ((options.aws || ledger.stack) && access && !access.available) throw new UsageError(`No signed digests: ${access.reason}`);
      // Kept outside the ledger: they outlive the items they are about, which verification cannot see any more.
      const alarms = await ledger.tamperAlarms.list(executionId);
      const imported = options.imported ? await openSealedImport(ledger.imported, executionId) : undefined;
      const expectedHead = givenHead ?? (imported && sealedHead(imported.seal));
      const records = await (imported?.ledger ?? ledgerRecordReader(ledger)).readRecords(executionId);
      const verified = verifyRecords(executionId, records, expectedHead ? { expectedHead } : {});
      const digests: DigestEvidence = digestEvidenceOf(
        executionId,
        records,
        access ? await readChainInput(access) : { unavailable: IMPORTED_NOT_IN_DIGESTS },
      );
      const nothingLeft = !imported && !verified.ok && verified.problem === 'missing' && verified.firstBadSeq === 1;
      // No item, no alarm and no digest that ever sealed it: an execution this ledger never had.
      if (nothingLeft && !(await ledger.store.head(executionId)) && alarms.length === 0 && digests.status !== 'contradicted') {
        throw await executionNotFound(ledger.imported, executionId);
      }
      const failedBy = [
        ...(verified.ok ? [] : ['hash chain']),
        ...(alarms.length === 0 ? [] : ['tamper alarms']),
        ...(digestsFail(digests) ? ['signed digests'] : []),
      ];
      if (imported && !options.json) out.write(`${importedBanner(imported.seal)}\n`);
      if (options.json) {
        const { events: _events, ...rest } = verified.ok ? verified : { ...verified, events: undefined };
        const mark = imported ? { imported: importedMark(imported.seal) } : {};
        // `ok` is the hash chain's; `verdict` is the whole answer, the one the exit code gives.
        const verdict = { ok: failedBy.length === 0, failedBy };
        out.write(`${jsonForTerminal({ executionId, ...rest, ...mark, verdict, tamperAlarms: alarms, digests })}\n`);
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
      return failedBy.length === 0 ? EXIT.ok : EXIT.executionFailed;
    },
    options.aws === true,
  );
