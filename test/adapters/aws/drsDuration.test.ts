import { isoDurationSeconds } from '../../../src/adapters/aws/drsDuration';
import { mapWithConcurrency } from '../../../src/adapters/aws/drsBatches';

describe("DRS's lagDuration in seconds", () => {
  it.each([
    ['PT0S', 0],
    ['PT42S', 42],
    ['PT1H2M5S', 3725],
    ['P2DT30S', 2 * 86_400 + 30],
    ['P1W', 7 * 86_400],
    ['PT1.5S', 1.5],
    ['PT0,25M', 15],
    ['P1DT1H', 90_000],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(isoDurationSeconds(text)).toBe(seconds);
  });

  it.each([undefined, '', 'P', 'PT', 'P1DT', '1H', 'PT-5S', 'PT5', 'soon', `PT${'9'.repeat(70)}S`])('reads %p as unknown', (text) => {
    expect(isoDurationSeconds(text)).toBeUndefined();
  });
});

describe('calls a few at a time', () => {
  it('keeps the order and never runs more than the bound at once', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([...Array(30).keys()], 4, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1 + (n % 3)));
      inFlight -= 1;
      return n * 2;
    });
    expect(results).toEqual([...Array(30).keys()].map((n) => n * 2));
    expect(most).toBe(4);
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});
