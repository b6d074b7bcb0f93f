import type { Clock } from '../clock';
import type { SnsFaults } from './faults';
import type { Outbox } from './outbox';
import type { Topics } from './topics';

export interface SnsStats {
  calls: Record<string, number>;
  published: number;
  errors: Record<string, number>;
}

/** What every action reads. */
export interface SnsContext {
  clock: Clock;
  topics: Topics;
  outbox: Outbox;
  faults: SnsFaults;
  stats: SnsStats;
  /** Accept Publish to any well-formed topic ARN instead of answering NotFound. */
  autoCreateTopics: boolean;
}
