/**
 * npm run bench: runs every measurement (one file each), prints one table, writes bench/results.json.
 * Local traffic only; every loop is bounded. A few minutes on two cores.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureColdStart } from './coldStart';
import { measureCost } from './cost';
import { measureProjectionLag } from './projectionLag';
import { measurePeersOnFreshDynalite } from './peers/freshDynalite';
import { measureReplay } from './replay';
import { measureScale } from './scale';
import { measureThroughput } from './throughput';
import { costRows, billRows, coldStartRows, lagRows, peerRows, replayRows, type Row, scaleRows, throughputRows } from './table';

const render = (rows: Row[]): string => {
  const header: Row = {
    area: 'area',
    figure: 'figure',
    measured: 'measured',
    comparedWith: 'compared with',
    ratio: 'ratio / note',
    target: 'target',
    result: 'result',
  };
  const cells = (row: Row) => [row.area, row.figure, row.measured, row.comparedWith, row.ratio, row.target, row.result];
  const line = (values: string[]) => `| ${values.join(' | ')} |`;
  return [line(cells(header)), line(cells(header).map(() => '---')), ...rows.map((row) => line(cells(row)))].join('\n');
};

const main = async () => {
  const started = Date.now();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    process.stderr.write(`bench: ${name}...`);
    const t0 = Date.now();
    const result = await run();
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return result;
  };
  const cost = await step('cost per operation', measureCost);
  const coldStart = await step('cold start', measureColdStart);
  const replay = await step('replay', measureReplay);
  const peers = await step('peers (castore 2.4.2)', measurePeersOnFreshDynalite);
  const scale = await step('scale', measureScale);
  const throughput = await step('throughput', measureThroughput);
  const projectionLag = await step('projection lag', measureProjectionLag);

  const cpu = cpus();
  const machine = {
    cpus: cpu.length,
    model: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const date = new Date().toISOString();
  const rows = [
    ...costRows(cost),
    ...billRows(cost),
    ...coldStartRows(coldStart),
    ...replayRows(replay),
    ...peerRows(peers),
    ...scaleRows(scale),
    ...throughputRows(throughput),
    ...lagRows(projectionLag),
  ];
  const durationSeconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `drs-ledger bench, ${date}: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform}), ${durationSeconds} s\n`,
  );
  console.log(render(rows));
  const failed = rows.filter((row) => row.result.startsWith('FAIL'));
  writeFileSync(
    join(__dirname, 'results.json'),
    `${JSON.stringify({ date, machine, durationSeconds, failed: failed.length, table: rows, cost, coldStart, replay, peers, scale, throughput, projectionLag }, null, 1)}\n`,
  );
  if (failed.length > 0) {
    console.error(`\n${failed.length} target(s) missed: ${failed.map((row) => row.figure).join('; ')}`);
    process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
