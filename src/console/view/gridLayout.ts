/**
 * How the execution page's grid of servers is drawn: how much each cell says and how many go on a row. The
 * richest density whose grid fits the room left in the window is chosen, so that a 25-server drill in three
 * waves is read whole at 1280×800 with no scrolling, and a larger one still fits by saying less per cell
 * (never by dropping the symbol: a status is never colour alone). The sizes are console.css's; keep them equal.
 */
export type Density = 'detailed' | 'standard' | 'compact';

interface CellSize {
  /** The narrowest a cell may get, in CSS pixels. */
  minWidth: number;
  /** A cell's height: its lines of text, padding and border. */
  height: number;
}

/** detailed: symbol and status, hostname, server id. standard: symbol and status, hostname. compact: symbol and hostname. */
export const CELL: Readonly<Record<Density, CellSize>> = {
  detailed: { minWidth: 190, height: 74 },
  standard: { minWidth: 160, height: 54 },
  compact: { minWidth: 110, height: 34 },
};

/** Between cells, both ways. */
export const CELL_GAP = 6;
/** What a wave's section takes besides its cells: heading, padding, border, the gap to the next one. */
export const WAVE_CHROME = 56;
/** A wave section's padding and border, left and right: its cells have that much less than the grid. */
export const WAVE_INSET = 22;

const DENSITIES: readonly Density[] = ['detailed', 'standard', 'compact'];

export interface GridRoom {
  /** The grid's width, in CSS pixels (its wave sections' insets included). */
  width: number;
  /** The height from the grid's top to the window's bottom. */
  height: number;
}

export interface GridLayout {
  density: Density;
  columns: number;
  /** The height the grid takes at this density. */
  height: number;
  /** Whether it fits the room; when even compact does not, compact is chosen and the page scrolls. */
  fits: boolean;
}

export const columnsFor = (density: Density, width: number): number =>
  Math.max(1, Math.floor((width + CELL_GAP) / (CELL[density].minWidth + CELL_GAP)));

/** The grid's height with `serversPerWave` (one count a wave) in `columns` at this density. */
export const gridHeight = (density: Density, columns: number, serversPerWave: readonly number[]): number =>
  serversPerWave.reduce((sum, servers) => {
    const rows = Math.ceil(servers / columns);
    return sum + WAVE_CHROME + rows * CELL[density].height + Math.max(0, rows - 1) * CELL_GAP;
  }, 0);

export const chooseLayout = (serversPerWave: readonly number[], room: GridRoom): GridLayout => {
  const layouts = DENSITIES.map((density) => {
    const columns = columnsFor(density, room.width - WAVE_INSET);
    const height = gridHeight(density, columns, serversPerWave);
    return { density, columns, height, fits: height <= room.height };
  });
  return layouts.find((layout) => layout.fits) ?? (layouts.at(-1) as GridLayout);
};
