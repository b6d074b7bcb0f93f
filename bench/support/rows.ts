/** The bench table's row, and what every step's rows are built with. */
export interface Row {
  area: string;
  figure: string;
  measured: string;
  comparedWith: string;
  ratio: string;
  target: string;
  result: string;
}

/** A number as the table prints it: grouped thousands, a fixed number of decimals. */
export const n = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The lowest and highest of some ratios, as the table prints a spread: "1.16–2.13". */
export const spreadOf = (values: readonly number[]): string => `${n(Math.min(...values), 2)}–${n(Math.max(...values), 2)}`;

/** A row of `area`, its other cells empty unless given. */
export const rowIn =
  (area: string) =>
  (figure: string, measured: string, rest: Partial<Row> = {}): Row => ({
    area,
    figure,
    measured,
    comparedWith: '',
    ratio: '',
    target: '',
    result: '',
    ...rest,
  });
