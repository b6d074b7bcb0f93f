/**
 * The item-size budget of the split view, on the largest views the validators accept (random text, so no
 * compression could be what keeps them small): every item the store writes stays under its 350 KB limit
 * (DynamoDB allows 400 KB), and one beyond it is refused by name before anything is written.
 */
import type { ExecutionView } from '../../../projections/executionView';
import { MAX_VIEW_ITEM_BYTES, planViewWrite, ViewItemTooLargeError } from '../../../src/adapters/dynamodb/executionViewWrite';
import { DYNAMO_MAX_PAGE_BYTES, dynamoItemBytes } from '../../../src/adapters/dynamodb/itemSize';
import type { Item } from '../../../src/adapters/dynamodb/marshalEvent';
import {
  HEAVIEST_REACHABLE,
  HEAVIEST_WAVES,
  largestView,
  LARGEST_TYPICAL,
  MOST_WAVES,
  MOST_WAVES_REACHABLE,
  randomUtf8,
  type ViewShape,
} from '../../projections/support/largestViews';

const EXECUTION_ID = `exec-${'0'.repeat(36)}`;

/** The items a first write of the view puts, with their DynamoDB sizes. */
const measure = (view: ExecutionView) => {
  const write = planViewWrite('drs-ledger-prod-execution-views', view, undefined, 'w'.repeat(12));
  const header = dynamoItemBytes(write.header?.Item as Item);
  const waves = write.waves.map((put) => dynamoItemBytes(put.Item as Item));
  return { header, largestWave: Math.max(...waves), items: 1 + waves.length, total: header + waves.reduce((sum, bytes) => sum + bytes, 0) };
};

describe("view item sizes at the validators' limits", () => {
  const measured = new Map<string, ReturnType<typeof measure>>();
  const of = (name: string, shape: ViewShape) => {
    const known = measured.get(name);
    if (known) return known;
    const sizes = measure(largestView(EXECUTION_ID, shape));
    measured.set(name, sizes);
    return sizes;
  };

  it('20 waves x 200 servers, 128-byte hostnames, every server failed with a 512-byte reason and its reference: each wave item under the limit', () => {
    const sizes = of('heaviest', HEAVIEST_WAVES);
    expect(sizes.items).toBe(21);
    expect(sizes.largestWave).toBeLessThan(MAX_VIEW_ITEM_BYTES);
    expect(sizes.header).toBeLessThan(MAX_VIEW_ITEM_BYTES);
  });

  it('100 waves with 256-character names of 4-byte characters, a 2 KB reason each: the header under the limit', () => {
    const sizes = of('most waves', MOST_WAVES);
    expect(sizes.items).toBe(101);
    expect(sizes.header).toBeLessThan(MAX_VIEW_ITEM_BYTES);
    expect(sizes.largestWave).toBeLessThan(MAX_VIEW_ITEM_BYTES);
    // Measured: about 154 KB, of which 100 KB are the wave names.
    expect(sizes.header).toBeGreaterThan(100 * 1024);
  });

  it('4,000 servers with 40-byte hostnames, the last wave failed: the whole execution in one 1 MB Query page', () => {
    expect(of('typical', LARGEST_TYPICAL).total).toBeLessThan(DYNAMO_MAX_PAGE_BYTES);
  });

  it.each([
    ['20 waves x 200 servers', HEAVIEST_REACHABLE],
    ['100 waves x 40 servers', MOST_WAVES_REACHABLE],
  ] as const)('%s, every text at its bound, one wave failed: the whole execution in one 1 MB Query page', (name, shape) => {
    const { total } = of(`${name} reachable`, shape);
    console.info(`${name}: the whole view is ${Math.ceil(total / 1024)} KB`);
    expect(total).toBeLessThan(DYNAMO_MAX_PAGE_BYTES);
  });

  it('refuses an item over the limit before writing anything, naming the execution, the item and its size', () => {
    const view = largestView(EXECUTION_ID, HEAVIEST_WAVES);
    // Reasons four times the bound the domain keeps: what a field added without a bound would do.
    const oversized = {
      ...view,
      serverExecutions: view.serverExecutions.map((server) =>
        server.waveNumber === 3 ? { ...server, failureReason: randomUtf8(2048) } : server,
      ),
    };
    let thrown: unknown;
    try {
      planViewWrite('views', oversized, undefined, 'w');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ViewItemTooLargeError);
    expect(thrown).toMatchObject({ executionId: EXECUTION_ID, item: 'WAVE#0003', bytes: expect.any(Number) });
    expect((thrown as ViewItemTooLargeError).bytes).toBeGreaterThan(MAX_VIEW_ITEM_BYTES);
    expect((thrown as Error).message).toMatch(
      new RegExp(`^Execution ${EXECUTION_ID}: view item WAVE#0003 would be \\d+ bytes, over the ${MAX_VIEW_ITEM_BYTES}-byte limit`),
    );
  });
});
