import { QUICK_TIMINGS } from '../../src/local/emulators/drs';

/**
 * DRS's launches in seconds instead of minutes (QUICK_TIMINGS) for the jobs a running stack's DRS emulator creates
 * from now on, through its admin API: for tests of a `serve` in another process whose checks do not depend on
 * DRS's pace, so that they stay fast at a modest --speed.
 */
export const quickDrs = async (drsEndpoint: string): Promise<void> => {
  const response = await fetch(`${drsEndpoint}/__emulator/timings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(QUICK_TIMINGS),
  });
  if (!response.ok) throw new Error(`DRS emulator refused the quick timings: ${response.status} ${await response.text()}`);
};
