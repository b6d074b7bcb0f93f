/**
 * The bill's rows with the projector counted both ways (bench/cost.ts): the records of each operation in one
 * stream batch, as DynamoDB's stream delivers them (the figure the target is about), and one record per
 * invocation (the local stream's immediate mode, the worst case), so that neither figure is hidden.
 */
import { n } from './support/rows';
import { type Cost, type DrillTotals, measureCost, SIZES } from './cost';
import { ON_DEMAND_USD_PER_MILLION, POLLS_PER_HOUR, type Row } from './table';

/** What the operations read in an hour: the drill's changing polls as measured, the unchanged ones scaled to POLLS_PER_HOUR. */
const hourReadUnits = (cost: Cost, drill: DrillTotals): number => {
  const unchanged = cost.table['poll, no change']?.[SIZES[0]]?.ops.rcu ?? 1;
  const changingPolls = drill.polls - drill.unchangedPolls;
  return drill.ops.rcu - drill.unchangedPolls * unchanged + Math.max(0, POLLS_PER_HOUR - changingPolls) * unchanged;
};

const usd = (read: number, write: number) => (read * ON_DEMAND_USD_PER_MILLION.read + write * ON_DEMAND_USD_PER_MILLION.write) / 1e6;

export const TARGET = "projector WRU ≤ operations' WRU";

export const projectorBillRows = (cost: Cost): Row[] => {
  const drill = cost.drills[SIZES[0]];
  const figure = (how: string) => `1-hour drill, 3 waves, 25 servers, ${POLLS_PER_HOUR} polls: projector, ${how}`;
  if (!drill) {
    return [
      {
        area: 'bill',
        figure: figure('stream batch per operation'),
        measured: 'not measured',
        comparedWith: '',
        ratio: '',
        target: TARGET,
        result: 'FAIL: not measured',
      },
    ];
  }
  const reads = hourReadUnits(cost, drill);
  const operations = `operations: ${n(reads)} RRU, ${n(drill.ops.wcu)} WRU (${drill.events} events)`;
  const row = (how: string, projector: { rcu: number; wcu: number }, target: string, result: string): Row => ({
    area: 'bill',
    figure: figure(how),
    measured: `${n(projector.rcu)} RRU, ${n(projector.wcu)} WRU`,
    comparedWith: operations,
    ratio: `WRU ${(projector.wcu / drill.ops.wcu).toFixed(2)} · $${usd(reads + projector.rcu, drill.ops.wcu + projector.wcu).toFixed(5)} in all`,
    target,
    result,
  });
  const batched = drill.projectorPerOperation;
  return [
    row('stream batch per operation', batched, TARGET, batched.wcu <= drill.ops.wcu ? 'PASS' : 'FAIL'),
    row('one record per invocation', drill.projector, 'worst case (no target): every record its own invocation', ''),
  ];
};

if (require.main === module) {
  measureCost()
    .then((cost) => console.log(JSON.stringify({ drills: cost.drills, rows: projectorBillRows(cost) }, null, 1)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
