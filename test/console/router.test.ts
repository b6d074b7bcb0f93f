import { hrefOf, parseRoute, reportHref } from '../../src/console/router';

describe("the console's pages by location hash", () => {
  it('opens the plans on the bare console', () => {
    expect(['', '#', '#/', '#/plans', '#/plans/'].map(parseRoute)).toEqual(Array(5).fill({ page: 'plans' }));
  });

  it('reads a plan and an execution by their IDs', () => {
    expect(parseRoute('#/plans/rp-three-tier')).toEqual({ page: 'plan', planId: 'rp-three-tier' });
    expect(parseRoute('#/executions/exec-123')).toEqual({ page: 'execution', executionId: 'exec-123' });
    expect(parseRoute('#/executions')).toEqual({ page: 'executions' });
  });

  it('round-trips an ID whatever characters it holds', () => {
    for (const planId of ['rp 1/2', 'plan#?&', 'план-🚀']) {
      const href = hrefOf({ page: 'plan', planId });
      expect(href.slice('#/plans/'.length)).not.toMatch(/[ #?&/]/);
      expect(parseRoute(href)).toEqual({ page: 'plan', planId });
    }
  });

  it('answers "no such page" for anything else, an undecodable ID included', () => {
    expect(parseRoute('#/servers')).toEqual({ page: 'notFound', hash: '#/servers' });
    expect(parseRoute('#/plans/a/b')).toEqual({ page: 'notFound', hash: '#/plans/a/b' });
    expect(parseRoute('#/plans/%E0%A4%A')).toEqual({ page: 'notFound', hash: '#/plans/%E0%A4%A' });
  });

  it('links the reports of an execution by its encoded ID', () => {
    expect(reportHref('exec 1', 'html')).toBe('/reports/exec%201.html');
    expect(reportHref('exec-1', 'json')).toBe('/reports/exec-1.json');
  });
});
