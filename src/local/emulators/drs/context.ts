import type { Clock } from '../clock';
import type { DrsFaults } from './faults';
import type { DrsArns } from './ids';
import type { DrsQuotas } from './quotas';
import type { DrsStore } from './store';
import type { DrsTimings } from './timings';

/** What every operation handler reads. */
export interface DrsContext {
  store: DrsStore;
  faults: DrsFaults;
  now: Clock;
  arns: DrsArns;
  /** Simulated time runs this many times faster than the clock (for jobs created from now on). */
  speed: number;
  timings: DrsTimings;
  /** Where source servers that name no origin of their own run (DescribeSourceServers' sourceCloudProperties). */
  sourceOrigin: { accountId: string; region: string };
  /** Page size when a request gives no maxResults. */
  defaultPageSize: number;
  /** DRS's job quotas in force (the admin API changes them in place). */
  quotas: DrsQuotas;
}

export type Json = Record<string, unknown>;

export interface OperationResult {
  status: number;
  body: Json;
  /** The request's tags, for the per-wave counters. */
  tags?: Record<string, string>;
}
