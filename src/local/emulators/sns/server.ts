import { startAwsQueryServer } from '../awsQuery';
import { type Clock, systemClock } from '../clock';
import type { LoopbackServer } from '../http';
import { SNS_ACTIONS } from './actions';
import type { SnsContext, SnsStats } from './context';
import { snsFaults, type SnsFaultSpec } from './faults';
import { Outbox, type PublishedMessage } from './outbox';
import { Topics } from './topics';

export interface SnsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** JSON-lines file every published message is appended to; without it, memory only. */
  outboxPath?: string;
  region?: string;
  accountId?: string;
  /** Topic names that exist from the start (CreateTopic adds more). */
  topics?: string[];
  /** Accept Publish to any well-formed topic ARN instead of answering NotFound (default false, as SNS). */
  autoCreateTopics?: boolean;
  clock?: Clock;
}

export interface SnsEmulator extends LoopbackServer {
  region: string;
  faults: { apply(spec: SnsFaultSpec): void; reset(): void };
  /** Every message published (including those read back from an existing outbox file). */
  messages(): PublishedMessage[];
  /** Creates a topic (idempotent) and returns its ARN. */
  createTopic(name: string): string;
  topicArn(name: string): string;
  stats(): SnsStats;
  outboxPath: string | undefined;
}

/**
 * An HTTP server on 127.0.0.1 speaking SNS's awsQuery protocol (../awsQuery) as @aws-sdk/client-sns
 * sends and reads it: the actions of ./actions (Publish, CreateTopic). Control API:
 * /__emulator/faults, messages, stats.
 */
export const startSnsEmulator = async (options: SnsEmulatorOptions = {}): Promise<SnsEmulator> => {
  const region = options.region ?? 'us-east-1';
  const context: SnsContext = {
    clock: options.clock ?? systemClock,
    topics: new Topics(region, options.accountId ?? '000000000000'),
    outbox: new Outbox(options.outboxPath),
    faults: snsFaults(),
    stats: { calls: {}, published: 0, errors: {} },
    autoCreateTopics: options.autoCreateTopics ?? false,
  };
  const { topics, outbox, faults, stats } = context;
  for (const name of options.topics ?? []) topics.create(name);

  const server = await startAwsQueryServer(options.port ?? 0, {
    model: 'sns',
    namespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    actions: SNS_ACTIONS,
    unknownAction: (action) => `The action ${action} is not valid for this endpoint.`,
    internalError: { code: 'InternalError', label: 'SNS' },
    begin: ({ action }) => {
      stats.calls[action] = (stats.calls[action] ?? 0) + 1;
      return context;
    },
    settled: (_, outcome) => {
      if (outcome !== 'OK') stats.errors[outcome] = (stats.errors[outcome] ?? 0) + 1;
    },
    faults,
    adminRoutes: {
      'GET messages': () => ({ messages: outbox.list() }),
      'GET stats': () => stats,
    },
  });
  return {
    ...server,
    region,
    faults,
    messages: () => outbox.list(),
    createTopic: (name) => topics.create(name),
    topicArn: (name) => topics.arn(name),
    stats: () => structuredClone(stats),
    outboxPath: outbox.path,
  };
};
