/**
 * The audit commands on the ledger a local drill leaves behind: verify, replay, check, rebuild, report,
 * export and import, as an auditor or operator runs them.
 */
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openLedger } from '../../src/cli/ledgerAccess';
import { importLedger } from '../../src/audit/importLedger';
import { asExecution, craftedExport } from '../audit/support/craftedExport';
import { KilledStore } from '../audit/support/killedStore';
import { wave1CompletedHistory } from '../fixtures/events';
import { samplePlan } from '../fixtures/plan';
import { runCli } from '../support/cli';
import { packedContent, packedEventValue } from '../support/packedItem';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(120_000);

describe('drs-ledger audit commands', () => {
  const dataDir = tempDataDir();
  let executionId: string;
  let headHash: string;

  beforeAll(async () => {
    const drill = await runCli('--data-dir', dataDir, 'drill', '--speed', '1000', '--resume-after', '0.2', '--json');
    expect(drill.code).toBe(0);
    const result = drill.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; details?: { executionId: string }; ledger?: { headHash: string; report: string } })
      .find((line) => line.type === 'result');
    executionId = result?.details?.executionId as string;
    headHash = result?.ledger?.headHash as string;
    expect(existsSync(result?.ledger?.report as string)).toBe(true);
  });

  it('verify prints OK with the head hash', async () => {
    const verify = await runCli('--data-dir', dataDir, 'verify', executionId);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`chain intact, head`);
    expect(verify.stdout).toContain(headHash);
  });

  it('replay shows the execution as it stood at a seq, and refuses a time before the start', async () => {
    const replay = await runCli('--data-dir', dataDir, 'replay', executionId, '--seq', '2', '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ executionId, status: 'RUNNING', currentWave: 1, seq: 2, asOf: { seq: 2 } });
    const before = await runCli('--data-dir', dataDir, 'replay', executionId, '--at', '2000-01-01T00:00:00Z');
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('before the execution started');
  });

  it('report writes markdown with the head hash and who resumed', async () => {
    const report = await runCli('--data-dir', dataDir, 'report', executionId, '--format', 'md');
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(headHash);
    expect(report.stdout).toContain('Resumed');
    const html = await runCli('--data-dir', dataDir, 'report', executionId, '--format', 'html', '--out', join(dataDir, 'r.html'));
    expect(html.code).toBe(0);
    expect(readFileSync(join(dataDir, 'r.html'), 'utf8')).toContain('<svg');
  });

  // Changed with sealed imports: the import is evidence apart from the live ledger, read with --imported, and
  // the same file imported again is a no-op (it used to be refused as "already holds").
  it('export then import elsewhere: sealed with the same head hash, read with --imported, marked, idempotent', async () => {
    const file = join(dataDir, 'export.jsonl');
    expect((await runCli('--data-dir', dataDir, 'export', executionId, '--out', file)).code).toBe(0);
    const other = tempDataDir();
    const imported = await runCli('--data-dir', other, 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported and sealed');
    expect(imported.stdout).toContain(headHash);

    const verify = await runCli('--data-dir', other, 'verify', executionId, '--imported');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^Imported evidence: not driven by this stack \(import imp-[0-9a-f]{32}, sealed /);
    expect(verify.stdout).toContain(`chain intact, head`);
    expect(verify.stdout).toContain(headHash);
    const status = await runCli('--data-dir', other, 'status', executionId, '--imported', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      executionId,
      status: 'COMPLETED',
      imported: { note: 'Imported evidence: not driven by this stack', headHash },
    });
    const report = await runCli('--data-dir', other, 'report', executionId, '--imported', '--format', 'json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      ledger: { headHash, verification: { ok: true } },
      imported: { note: 'Imported evidence: not driven by this stack', headHash },
    });
    const html = await runCli('--data-dir', other, 'report', executionId, '--imported', '--format', 'html');
    // Not on a terminal: the page itself on standard output, marked as imported.
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(html.stdout).toContain('Imported evidence: not driven by this stack');

    // The live ledger of that folder does not hold it: without --imported it is not found, and says where it is.
    const live = await runCli('--data-dir', other, 'verify', executionId);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('it is held as imported evidence: add --imported');

    const again = await runCli('--data-dir', other, 'import', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already imported and sealed');
    const listed = await runCli('--data-dir', other, 'imports');
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    expect(listed.stdout).toMatch(new RegExp(`^imp-[0-9a-f]{32}  ${executionId}  \\d+:${headHash}  sealed `));
  });

  it('an import killed midway is invisible, listed as incomplete, and completed by importing the file again', async () => {
    const file = join(dataDir, 'export-for-kill.jsonl');
    expect((await runCli('--data-dir', dataDir, 'export', executionId, '--out', file)).code).toBe(0);
    const other = tempDataDir();
    // The importer dies at its 5th write: the manifest and three lines are staged, the seal never written.
    const ledger = await openLedger(other);
    await expect(importLedger(new KilledStore(ledger.imported, 5), readFileSync(file, 'utf8'))).rejects.toThrow('killed at write 5');
    await ledger.close();

    const verify = await runCli('--data-dir', other, 'verify', executionId, '--imported');
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(
      new RegExp(
        `Imported execution not found: ${executionId}: its import is incomplete, never sealed \\(imp-[0-9a-f]{32}, 3 of \\d+ events staged\\); import the same file again to complete it`,
      ),
    );
    expect((await runCli('--data-dir', other, 'report', executionId, '--imported', '--format', 'json')).code).toBe(2);
    expect((await runCli('--data-dir', other, 'imports')).stdout).toMatch(/ incomplete: 3 of \d+ events staged\n$/);

    const again = await runCli('--data-dir', other, 'import', file);
    expect(again.stdout).toContain('Imported and sealed');
    const verified = await runCli('--data-dir', other, 'verify', executionId, '--imported');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(headHash);
  });

  it('an import of an execution id that leaves the reports folder is refused, naming why, and writes nothing', async () => {
    const other = tempDataDir();
    const file = join(other, 'crafted.jsonl');
    writeFileSync(file, craftedExport(asExecution(wave1CompletedHistory, '../../x/TRAVERSED', samplePlan)));
    const imported = await runCli('--data-dir', other, 'import', file);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain(
      "Not imported; nothing was written: line 1: the header's executionId must contain only letters, digits, and _ . : -",
    );
    expect((await runCli('--data-dir', other, 'imports')).stdout).toBe('No imports\n');

    // Nor can a report be asked of such an id: refused before anything is read or written.
    const report = await runCli('--data-dir', other, 'report', '../../x/TRAVERSED', '--format', 'html');
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('No report file can be named after this execution id');
    // Where the report used to land: <data-dir>/reports/../../x/TRAVERSED.html.
    expect(existsSync(resolve(other, 'reports', '../../x/TRAVERSED.html'))).toBe(false);
    expect(existsSync(join(other, 'reports'))).toBe(false);
  });

  it('check finds a corrupted view, rebuild repairs it', async () => {
    expect((await runCli('--data-dir', dataDir, 'check')).code).toBe(0);
    const ledger = await openLedger(dataDir);
    await ledger.client.send(
      new UpdateItemCommand({
        TableName: ledger.config.tables.executions,
        Key: { executionId: { S: executionId }, item: { S: 'HEADER' } },
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': { S: 'FAILED' } },
      }),
    );
    await ledger.close();
    const check = await runCli('--data-dir', dataDir, 'check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`${executionId}: different`);
    const rebuild = await runCli('--data-dir', dataDir, 'rebuild');
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toContain('1 replaced');
    expect((await runCli('--data-dir', dataDir, 'check')).code).toBe(0);
  });

  it('verify names the first bad seq when an event is altered in the table', async () => {
    const ledger = await openLedger(dataDir);
    const [third] = await ledger.store.read(executionId, { fromSeq: 3, toSeq: 3 });
    const key = { executionId: { S: executionId }, seq: { N: '3' } };
    const stored = await ledger.client.send(new GetItemCommand({ TableName: ledger.config.tables.events, Key: key, ConsistentRead: true }));
    // The item packs its event: the actor is changed inside it, its links and keys left as the store wrote them.
    const item = stored.Item ?? {};
    const items = await ledger.client.send(
      new UpdateItemCommand({
        TableName: ledger.config.tables.events,
        Key: key,
        UpdateExpression: 'SET #event = :event',
        ExpressionAttributeNames: { '#event': 'event' },
        ExpressionAttributeValues: { ':event': packedEventValue(item, { ...packedContent(item), actor: 'mallory' }) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    await ledger.close();
    expect(third?.event.actor).not.toBe('mallory');
    const verify = await runCli('--data-dir', dataDir, 'verify', executionId);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('first bad seq 3, modified');
    // Put it back as it was: the chain verifies again.
    const restore = await openLedger(dataDir);
    await restore.client.send(new PutItemCommand({ TableName: restore.config.tables.events, Item: items.Attributes ?? {} }));
    await restore.close();
    expect((await runCli('--data-dir', dataDir, 'verify', executionId)).code).toBe(0);
  });
});
