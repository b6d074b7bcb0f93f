import { DrsClient, type DrsClientConfig, type DrsServiceException } from '@aws-sdk/client-drs';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators/drs';

/** Real SDK clients; only the endpoint differs from AWS. */
const base = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

export const drsClient = (endpoint: string, config: Partial<DrsClientConfig> = {}): DrsClient =>
  new DrsClient({ ...base, endpoint, ...config });

export const snsClient = (endpoint: string, config: Partial<SNSClientConfig> = {}): SNSClient =>
  new SNSClient({ ...base, endpoint, ...config });

/** `s-` and 17 alphanumerics, as DRS source server ids are. */
export const serverId = (n: number): string => `s-${String(n).padStart(17, '0')}`;

/**
 * A refused SDK call's error: what every client's service exception carries (smithy's ServiceException, which
 * the DRS client's stands for here) and the members the service's model gives that error.
 */
export type SdkRejection = Error & Pick<DrsServiceException, '$fault' | '$response' | '$metadata'> & Record<string, unknown>;

/** The error a promise rejects with (fails the test if it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<SdkRejection> => {
  try {
    await promise;
  } catch (error) {
    return error as SdkRejection;
  }
  throw new Error('expected the call to fail');
};

export const postJson = async (url: string, body: unknown): Promise<unknown> => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
};

export const getJson = async (url: string): Promise<Record<string, unknown>> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

/** Launches take 40 s after 5 s PENDING: a job is in progress for 45 s, and a test knows each stage's time. */
export const FIXED_TIMINGS = { pendingSeconds: 5, launchMinSeconds: 40, launchMaxSeconds: 40 };

export interface DrsRig {
  clock: ManualClock;
  emulator: DrsEmulator;
  /** A real DrsClient with no retries: every refusal reaches the test. */
  drs: DrsClient;
}

/**
 * A fresh DRS emulator for each test of the enclosing describe: a manual clock (from `startMs`), fixed
 * timings, these source servers (hostname `host-<index>`), and a real client. Read its fields inside tests.
 */
export const useDrsRig = (servers: readonly string[], startMs = Date.UTC(2025, 5, 1, 12, 0, 0)): DrsRig => {
  const rig = {} as DrsRig;
  beforeEach(async () => {
    rig.clock = manualClock(startMs);
    rig.emulator = await startDrsEmulator({
      clock: rig.clock.now,
      timings: FIXED_TIMINGS,
      sourceServers: servers.map((sourceServerID, index) => ({ sourceServerID, hostname: `host-${index}` })),
    });
    rig.drs = drsClient(rig.emulator.endpoint, { maxAttempts: 1 });
  });
  afterEach(async () => {
    rig.drs.destroy();
    await rig.emulator.close();
  });
  return rig;
};

/** An admin PUT: its status and JSON answer (refusals included, for tests of the admin API's checks). */
export const putJson = async (url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
