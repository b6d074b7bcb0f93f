/**
 * The HTML evidence report as a person sees it: rendered by headless Chromium (Debian's /usr/bin/chromium)
 * to a PNG, whose pixels must show the chart's bars, and to a DOM, whose SVG must hold one rect per wave
 * and per server. Chromium missing is a failure, not a skip: CI installs it.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, type Evidence, renderHtml } from '../../src/audit/report';
import { GANTT_COLOURS, PAUSE_OPACITY } from '../../src/audit/report/gantt';
import { startDrillWorld } from '../support/drillWorld';
import { dumpDom, requireChromium, screenshot } from './support/chromium';
import { pausedDrill } from './support/drills';
import { bands, colourCountByRow, decodePng, type DecodedPng, rgb } from './support/png';

const SIZE = { width: 1280, height: 1600 };

describe('the HTML report in headless Chromium', () => {
  let evidence: Evidence;
  let htmlPath: string;
  let image: DecodedPng;

  beforeAll(async () => {
    requireChromium();
    const world = await startDrillWorld();
    try {
      const executionId = await pausedDrill(world);
      const result = await buildEvidence(
        new DynamoLedgerRecordReader(world.harness.dynamo.client, world.harness.dynamo.config.tables.events),
        executionId,
      );
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      evidence = result.evidence;
    } finally {
      await world.stop();
    }
    const dir = process.env.AUDIT_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'drs-ledger-report-'));
    htmlPath = join(dir, 'evidence.html');
    writeFileSync(htmlPath, renderHtml(evidence));
    const pngPath = join(dir, 'evidence.png');
    await screenshot(htmlPath, pngPath, SIZE);
    expect(statSync(pngPath).size).toBeGreaterThan(10_000);
    image = decodePng(readFileSync(pngPath));
  }, 120_000);

  it('takes a screenshot of the requested size', () => {
    expect({ width: image.width, height: image.height }).toEqual(SIZE);
  });

  it('draws a bar in the wave colour for every wave, below the legend swatch', () => {
    const waveBands = bands(colourCountByRow(image, rgb(GANTT_COLOURS.waveCompleted)), 8);
    // The legend's swatch, then one band per wave, top to bottom.
    expect(waveBands).toHaveLength(1 + evidence.waves.length);
    const [legend, ...bars] = waveBands as [(typeof waveBands)[number], ...typeof waveBands];
    for (const bar of bars) {
      expect(bar.top).toBeGreaterThan(legend.bottom);
      expect(bar.bottom - bar.top + 1).toBeGreaterThanOrEqual(14);
      expect(bar.pixels).toBeGreaterThan(300);
    }
    expect(bars.map((bar) => bar.top)).toEqual([...bars.map((bar) => bar.top)].sort((a, b) => a - b));
  });

  it('draws a bar in the launched colour for every server, and the pauses shaded', () => {
    const serverBands = bands(colourCountByRow(image, rgb(GANTT_COLOURS.serverLaunched)), 8);
    expect(serverBands).toHaveLength(1 + evidence.servers.length);
    // The pause colour as it shows through its opacity over the white chart.
    const shaded = rgb(GANTT_COLOURS.pause).map((channel) => Math.round(255 - PAUSE_OPACITY * (255 - channel))) as [number, number, number];
    const pausePixels = colourCountByRow(image, shaded, 6).reduce((sum, count) => sum + count, 0);
    expect(pausePixels).toBeGreaterThan(20_000);
  });

  it('lays out one SVG whose rects are exactly the waves and servers', async () => {
    const dom = await dumpDom(htmlPath);
    const svgs = dom.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(1);
    expect((svgs[0] as string).match(/<rect\b/g)).toHaveLength(evidence.waves.length + evidence.servers.length);
    expect(dom.match(/<rect\b/g)).toHaveLength(evidence.waves.length + evidence.servers.length);
    expect(dom).toContain(evidence.ledger.headHash);
  }, 120_000);
});
