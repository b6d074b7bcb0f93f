import { el, replaceChildren, setAttributes } from '../../dom';
import { chooseLayout, type GridLayout } from '../../view/gridLayout';
import { type CellContent, GridModel, type WaveContent } from '../../view/gridModel';
import { SERVER_LEGEND } from '../../view/status';
import type { ExecutionDetails } from '../../wire';

interface Cell {
  element: HTMLElement;
  symbol: HTMLElement;
  word: HTMLElement;
  host: HTMLElement;
  id: HTMLElement;
}

interface WaveSection {
  element: HTMLElement;
  heading: HTMLElement;
  list: HTMLElement;
  cells: Map<string, Cell>;
}

/** Room left under the grid for the rest of the window (the page's bottom margin). */
const BOTTOM_MARGIN = 16;

const newCell = (serverId: string): Cell => {
  const symbol = el('span', { class: 'symbol', 'aria-hidden': 'true' });
  const word = el('span', { class: 'word' });
  const host = el('span', { class: 'host' });
  const id = el('code', { class: 'id' });
  const element = el(
    'li',
    { class: 'cell', 'data-testid': `server-${serverId}` },
    el('span', { class: 'state' }, symbol, ' ', word),
    host,
    id,
  );
  return { element, symbol, word, host, id };
};

const newSection = (waveNumber: number): WaveSection => {
  const heading = el('h3', { id: `wave-${waveNumber}-heading` });
  const list = el('ul', { class: 'cells', 'aria-labelledby': `wave-${waveNumber}-heading` });
  return {
    element: el('section', { class: 'wave', 'data-testid': `wave-${waveNumber}` }, heading, list),
    heading,
    list,
    cells: new Map(),
  };
};

/** Writes what changed in a cell, and only that (the model says which fields differ from what it shows). */
const writeCell = (cell: Cell, changes: Partial<CellContent>): void => {
  if (changes.status !== undefined) cell.element.setAttribute('data-status', changes.status);
  if (changes.tone !== undefined) cell.element.setAttribute('data-tone', changes.tone);
  if (changes.title !== undefined) cell.element.setAttribute('title', changes.title);
  if (changes.symbol !== undefined) cell.symbol.textContent = changes.symbol;
  if (changes.word !== undefined) cell.word.textContent = changes.word;
  if (changes.host !== undefined) cell.host.textContent = changes.host;
  if (changes.hostClass !== undefined) cell.host.setAttribute('class', changes.hostClass);
  if (changes.id !== undefined) cell.id.textContent = changes.id;
};

const writeWave = (section: WaveSection, changes: Partial<WaveContent>): void => {
  if (changes.status !== undefined) section.element.setAttribute('data-status', changes.status);
  if (changes.tone !== undefined) section.element.setAttribute('data-tone', changes.tone);
  if (changes.heading !== undefined) section.heading.textContent = changes.heading;
};

/**
 * The per-wave, per-server grid: a section per wave, a cell per server with the CLI's symbol, its status word
 * and hostname. Cells are kept and updated in place, so a poll that changes one server writes to one cell only.
 */
export const renderWaveGrid = (): { element: HTMLElement; update(details: ExecutionDetails): void; relayout(): void } => {
  const waves = el('div', { class: 'waves' });
  const legend = el(
    'p',
    { class: 'legend', 'aria-label': 'Symbols' },
    ...SERVER_LEGEND.flatMap(({ symbol, word }) => [
      el('span', {}, el('span', { class: 'symbol', 'aria-hidden': 'true' }, symbol), ` ${word}`),
      ' ',
    ]),
  );
  const element = el('section', { class: 'grid', 'data-testid': 'wave-grid', 'aria-label': 'Waves and servers' }, waves, legend);
  const sections = new Map<number, WaveSection>();
  const model = new GridModel();
  let counts: number[] = [];
  let layout: GridLayout | undefined;

  const relayout = (): void => {
    if (counts.length === 0) return;
    const top = waves.getBoundingClientRect().top + window.scrollY;
    const room = { width: waves.clientWidth, height: window.innerHeight - top - BOTTOM_MARGIN - legend.offsetHeight };
    const next = chooseLayout(counts, room);
    if (layout && next.density === layout.density && next.columns === layout.columns) return;
    layout = next;
    setAttributes(element, { 'data-density': next.density });
    // A custom property, set through the CSSOM (the page's CSP allows no style attribute).
    element.style.setProperty('--columns', String(next.columns));
  };

  const update = (details: ExecutionDetails): void => {
    const changes = model.update(details);
    if (changes.rebuilt) {
      sections.clear();
      replaceChildren(waves);
    }
    for (const change of changes.waves) {
      let section = sections.get(change.waveNumber);
      if (!section) {
        section = newSection(change.waveNumber);
        sections.set(change.waveNumber, section);
        waves.append(section.element);
      }
      writeWave(section, change.changes);
    }
    for (const change of changes.cells) {
      const section = sections.get(change.waveNumber);
      if (!section) continue;
      let cell = section.cells.get(change.serverId);
      if (!cell) {
        cell = newCell(change.serverId);
        section.cells.set(change.serverId, cell);
        section.list.append(cell.element);
      }
      writeCell(cell, change.changes);
    }
    if (changes.counts) {
      counts = changes.counts;
      layout = undefined;
      relayout();
    }
  };

  return { element, update, relayout };
};
