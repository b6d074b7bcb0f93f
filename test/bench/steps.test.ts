import { rowsOf } from '../../bench/support/stepRows';
import { runStep } from '../../bench/support/steps';
import type { Row } from '../../bench/table';

const quiet = { write: () => undefined };
const figureRow = (value: number): Row[] => [
  { area: 'x', figure: 'the figure', measured: String(value), comparedWith: '', ratio: '', target: '', result: 'PASS' },
];

describe('the bench runs every step to the end', () => {
  it('given a step that succeeds, its value and its rows are kept, with no note', async () => {
    const outcome = await runStep('cost', () => Promise.resolve(7), quiet);
    expect(outcome).toMatchObject({ ok: true, value: 7, attempts: 1 });
    expect(rowsOf(outcome, (value) => figureRow(value as number))).toEqual(figureRow(7));
  });

  it('given a step that fails once on a loaded machine, it is run again and its rows are marked RETRIED', async () => {
    let calls = 0;
    const outcome = await runStep(
      'scale',
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('find took longer than 60 s')) : Promise.resolve(3);
      },
      quiet,
    );
    expect(calls).toBe(2);
    expect(outcome).toMatchObject({ ok: true, value: 3, attempts: 2, firstError: 'Error: find took longer than 60 s' });
    const rows = rowsOf(outcome, (value) => figureRow(value as number));
    expect(rows[0]).toMatchObject({ figure: 'step: scale', result: 'RETRIED' });
    expect(rows[0]?.measured).toContain('find took longer than 60 s');
    expect(rows.slice(1)).toEqual(figureRow(3));
  });

  it('given a step that fails twice, it gives one FAIL row with both errors, and the next step still runs', async () => {
    const failing = await runStep('throughput', () => Promise.reject(new Error(`dynalite\n  stalled ${'x'.repeat(400)}`)), quiet);
    const next = await runStep('projection lag', () => Promise.resolve(1), quiet);
    expect(failing).toMatchObject({ ok: false, attempts: 2 });
    const [row, ...rest] = rowsOf(failing, () => figureRow(0));
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ figure: 'step: throughput', result: 'FAIL' });
    // One line, bounded: a multi-line or huge message never breaks the table.
    expect(row?.measured).not.toContain('\n');
    expect(row?.measured.length).toBeLessThan(500);
    expect(next).toMatchObject({ ok: true, value: 1 });
  });

  it('given rows that cannot be built from what a step measured, the step shows as failed, not as missing', async () => {
    const outcome = await runStep('peers', () => Promise.resolve({}), quiet);
    const rows = rowsOf(outcome, () => {
      throw new Error('no figures for castore 2.4.2');
    });
    expect(rows).toEqual([expect.objectContaining({ figure: 'step: peers', result: 'FAIL' })]);
    expect(rows[0]?.measured).toContain('no figures for castore 2.4.2');
  });
});
