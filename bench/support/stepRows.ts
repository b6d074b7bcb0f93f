import type { Row } from '../table';
import { errorLine, type StepOutcome } from './steps';

/** A step's rows, or one row saying why there are none: a step's failure never hides another's figures. */
export const rowsOf = (outcome: StepOutcome<unknown>, rows: (value: unknown) => Row[]): Row[] => {
  const note = (measured: string, result: string): Row => ({
    area: 'bench',
    figure: `step: ${outcome.name}`,
    measured,
    comparedWith: '',
    ratio: '',
    target: 'runs to the end',
    result,
  });
  if (!outcome.ok) return [note(`failed ${outcome.attempts} times: ${outcome.errors.join(' / ')}`, 'FAIL')];
  const marked = outcome.firstError ? [note(`retried once, after: ${outcome.firstError}`, 'RETRIED')] : [];
  try {
    return [...marked, ...rows(outcome.value)];
  } catch (error) {
    return [...marked, note(`measured, but its rows failed: ${errorLine(error)}`, 'FAIL')];
  }
};
