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
import { peerRows } from './peers/peerRows';
import { measurePeerSection } from './peers/peerSection';
import { measureReplay } from './replay';
import { measureScale } from './scale';
import { measureThroughput } from './throughput';
import { rowsOf } from './support/stepRows';
import { runStep, type StepOutcome, valueOf } from './support/steps';
import { coldStartRows } from './coldStartRows';
import { projectorBillRows } from './costRows';
import { contentionRows, measureContention } from './contention';
import { throughputRows } from './throughputRows';
import { costRows, lagRows, replayRows, type Row, scaleRows } from './table';

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

/** One measurement of the bench: what it is called, how it runs, and the table's rows for what it measured. */
interface Step<T> {
  name: string;
  key: string;
  measure: () => Promise<T>;
  rows: (value: T) => Row[];
}
const step = <T>(name: string, key: string, measure: () => Promise<T>, rows: (value: T) => Row[]): Step<unknown> =>
  ({ name, key, measure, rows }) as Step<unknown>;

const STEPS: Array<Step<unknown>> = [
  step('cost per operation', 'cost', measureCost, (cost) => [...costRows(cost), ...projectorBillRows(cost)]),
  step('cold start', 'coldStart', measureColdStart, coldStartRows),
  step('replay', 'replay', measureReplay, replayRows),
  step('peers (raw, castore 2.4.2, drs-ledger)', 'peers', () => measurePeerSection(), peerRows),
  step('contention (16 writers, 16 polls)', 'contention', measureContention, contentionRows),
  step('scale', 'scale', measureScale, scaleRows),
  step('throughput', 'throughput', measureThroughput, throughputRows),
  step('projection lag', 'projectionLag', measureProjectionLag, lagRows),
];

const main = async () => {
  const started = Date.now();
  const outcomes: Array<StepOutcome<unknown>> = [];
  const rows: Row[] = [];
  for (const { name, measure, rows: rowsFor } of STEPS) {
    const outcome = await runStep(name, measure);
    outcomes.push(outcome);
    rows.push(...rowsOf(outcome, rowsFor));
  }

  const cpu = cpus();
  const machine = {
    cpus: cpu.length,
    model: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const date = new Date().toISOString();
  const durationSeconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `drs-ledger bench, ${date}: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform}), ${durationSeconds} s\n`,
  );
  console.log(render(rows));
  const failed = rows.filter((row) => row.result.startsWith('FAIL'));
  const figures = Object.fromEntries(STEPS.map(({ key }, index) => [key, valueOf(outcomes[index] as StepOutcome<unknown>) ?? null]));
  const steps = outcomes.map((outcome) =>
    outcome.ok
      ? {
          name: outcome.name,
          ok: true,
          attempts: outcome.attempts,
          seconds: outcome.seconds,
          ...(outcome.firstError ? { firstError: outcome.firstError } : {}),
        }
      : { name: outcome.name, ok: false, attempts: outcome.attempts, seconds: outcome.seconds, errors: outcome.errors },
  );
  writeFileSync(
    join(__dirname, 'results.json'),
    `${JSON.stringify({ date, machine, durationSeconds, failed: failed.length, steps, table: rows, ...figures }, null, 1)}\n`,
  );
  if (failed.length > 0) {
    console.error(`\n${failed.length} target(s) missed or step(s) failed: ${failed.map((row) => row.figure).join('; ')}`);
    process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
