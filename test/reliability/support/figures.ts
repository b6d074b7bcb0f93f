/**
 * Each scenario records its figures in one JSON file; the closing-table reporter (closingTable.js) reads
 * them all when the run ends and prints one table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIGURES_DIR = join(__dirname, '..', '..', '..', '.reliability', 'figures');

export interface ScenarioFigures {
  scenario: string;
  /** Requests the scenario's drivers sent (Lambda invokes, emulator calls, stream records...). */
  operations: number;
  faultsInjected: number;
  /** Ledger events audited (seq, chain, duplicates, replay) at the end. */
  eventsChecked: number;
  lost: number;
  duplicated: number;
  /** Hash chains that verified, of those checked. */
  chainsValid: number;
  chainsChecked: number;
  seconds: number;
  /** One line on what the scenario showed. */
  note?: string;
}

export const recordFigures = (figures: ScenarioFigures): void => {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = figures.scenario.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  writeFileSync(join(FIGURES_DIR, `${file}.json`), `${JSON.stringify(figures, null, 2)}\n`);
};
