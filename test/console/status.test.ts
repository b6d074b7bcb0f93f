import { SERVER_GLYPHS, WAVE_GLYPHS } from '../../src/cli/render/details';
import { executionLook, isTerminal, SERVER_LEGEND, serverLook, waveLook } from '../../src/console/view/status';

describe('how the console shows a status', () => {
  it('draws each server and wave status with the symbol the CLI draws it with', () => {
    for (const [status, glyph] of Object.entries(SERVER_GLYPHS)) expect(serverLook(status).symbol).toBe(glyph);
    for (const [status, glyph] of Object.entries(WAVE_GLYPHS)) expect(waveLook(status).symbol).toBe(glyph);
  });

  it('gives every status a word as well as a symbol, so that none is told by colour alone', () => {
    const statuses = [
      ...Object.keys(SERVER_GLYPHS).map(serverLook),
      ...Object.keys(WAVE_GLYPHS).map(waveLook),
      ...['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'].map(executionLook),
    ];
    for (const look of statuses) {
      expect(look.symbol).not.toBe('');
      expect(look.word).toMatch(/^[A-Za-z ]+$/);
    }
  });

  it('names an execution by its status word, which the banner shows', () => {
    expect(['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'].map((status) => executionLook(status).word)).toEqual([
      'RUNNING',
      'PAUSED',
      'COMPLETED',
      'FAILED',
      'CANCELLED',
    ]);
  });

  it('tells failure apart from success by symbol and tone, not only by colour', () => {
    expect(serverLook('LAUNCHED')).toEqual({ symbol: '●', word: 'Launched', tone: 'done' });
    expect(serverLook('FAILED')).toEqual({ symbol: '✗', word: 'Failed', tone: 'failed' });
    expect(serverLook('IN_PROGRESS')).toEqual({ symbol: '◐', word: 'Launching', tone: 'active' });
  });

  it('shows a status it does not know as it came, marked with a question mark', () => {
    expect(serverLook('HIBERNATING')).toEqual({ symbol: '?', word: 'HIBERNATING', tone: 'idle' });
    expect(executionLook('toString').word).toBe('toString');
  });

  it('lists the legend in the order a server goes through its statuses', () => {
    expect(SERVER_LEGEND.map(({ symbol, word }) => `${symbol} ${word}`)).toEqual([
      '· Not started',
      '○ Pending',
      '◐ Launching',
      '● Launched',
      '✗ Failed',
    ]);
  });

  it('knows which statuses end an execution', () => {
    expect(['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'].filter(isTerminal)).toEqual(['COMPLETED', 'FAILED', 'CANCELLED']);
  });
});
