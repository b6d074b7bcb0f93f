import { CELL, CELL_GAP, chooseLayout, columnsFor, gridHeight, WAVE_CHROME } from '../../src/console/view/gridLayout';

/** The sample plan: Database Tier 5 servers, Application Tier 12, Web Tier 8. */
const THREE_TIER = [5, 12, 8];
/** At 1280×800 the grid's column is about 930 px wide and starts about 185 px down, above its legend. */
const LAPTOP = { width: 930, height: 560 };

describe('laying out the grid of servers', () => {
  it('fits the three-tier drill (25 servers in 3 waves) at 1280×800 with status and hostname in every cell', () => {
    const layout = chooseLayout(THREE_TIER, LAPTOP);
    expect(layout).toEqual(expect.objectContaining({ density: 'standard', columns: 5, fits: true }));
    expect(layout.height).toBeLessThanOrEqual(LAPTOP.height);
  });

  it('says the most a cell can say when there is room: the server ID as well', () => {
    expect(chooseLayout(THREE_TIER, { width: 930, height: 900 }).density).toBe('detailed');
  });

  it('says less per cell, never dropping a server, when a larger plan would not fit otherwise', () => {
    const layout = chooseLayout([20, 30, 10], LAPTOP);
    expect(layout.density).toBe('compact');
    expect(layout.fits).toBe(true);
  });

  it('lets the page scroll, at the most compact, when even that does not fit', () => {
    const layout = chooseLayout([200, 200, 200], LAPTOP);
    expect(layout).toEqual(expect.objectContaining({ density: 'compact', fits: false }));
    expect(layout.height).toBeGreaterThan(LAPTOP.height);
  });

  it('puts as many cells on a row as their narrowest width allows, and at least one', () => {
    expect(columnsFor('standard', 870)).toBe(5);
    expect(columnsFor('standard', 5 * CELL.standard.minWidth + 4 * CELL_GAP)).toBe(5);
    expect(columnsFor('standard', 5 * CELL.standard.minWidth + 4 * CELL_GAP - 1)).toBe(4);
    expect(columnsFor('detailed', 50)).toBe(1);
  });

  it('counts each wave its heading and its rows of cells', () => {
    // 12 servers in 5 columns: 3 rows, 2 gaps between them.
    expect(gridHeight('standard', 5, [12])).toBe(WAVE_CHROME + 3 * CELL.standard.height + 2 * CELL_GAP);
    expect(gridHeight('compact', 5, [0])).toBe(WAVE_CHROME);
  });
});
