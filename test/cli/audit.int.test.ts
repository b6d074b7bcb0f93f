/**
 * The audit commands on the ledger a local drill leaves behind: verify, replay, check, rebuild, report,
 * export and import, as an auditor or operator runs them.
 */
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../src/cli/ledgerAccess';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(120_000);

describe('drs-ledger audit commands', () => {
  const dataDir = tempDataDir();
  let executionId: string;
  let headHash: string;

  beforeAll(async () => {
    const drill = await runCli('--data-dir', dataDir, 'drill', '--speed', '100', '--resume-after', '0.2', '--json');
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

  it('export then import into an empty store reproduces the head hash', async () => {
    const file = join(dataDir, 'export.jsonl');
    expect((await runCli('--data-dir', dataDir, 'export', executionId, '--out', file)).code).toBe(0);
    const other = tempDataDir();
    const imported = await runCli('--data-dir', other, 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(headHash);
    expect((await runCli('--data-dir', other, 'verify', executionId)).stdout).toContain(headHash);
    const again = await runCli('--data-dir', other, 'import', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds');
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
    const items = await ledger.client.send(
      new UpdateItemCommand({
        TableName: ledger.config.tables.events,
        Key: { executionId: { S: executionId }, seq: { N: '3' } },
        UpdateExpression: 'SET #actor = :actor',
        ExpressionAttributeNames: { '#actor': 'actor' },
        ExpressionAttributeValues: { ':actor': { S: 'mallory' } },
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
