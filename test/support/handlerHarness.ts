import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import { handleRequest } from '../../src/handlers/executionHandler';
import { buildTamperAlarms } from '../../src/handlers/tamperAlarmsWiring';
import { buildDeps, type WiringOptions } from '../../src/handlers/wiring';
import { LocalDynamoStream } from '../../src/local/localStream';
import type { OperationDeps } from '../../src/operations/deps';
import type { OperationResponse } from '../../src/operations/responses';
import type { TamperAlarmLog } from '../../src/ports/tamperAlarmLog';
import type { Tables } from '../../src/config';
import { capturingLogger } from './capturingLogger';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from './dynamo';

export interface HandlerHarness {
  dynamo: DynamoTestContext;
  deps: OperationDeps;
  stream: LocalDynamoStream;
  /** Every line the handler's logger wrote, as parsed JSON. */
  logLines: Array<Record<string, unknown>>;
  /** Tamper alarms the stream raised (recorded in the views table, notified through deps.notifier). */
  tamperAlarms: TamperAlarmLog;
  /** The LedgerTamperAlarms metric's EMF lines, as parsed JSON. */
  metricLines: Array<Record<string, unknown>>;
  call(event: unknown): Promise<OperationResponse>;
  /** The internal function (wait_for_resume, attach_state_machine): what the drill state machine invokes. */
  callInternal(event: unknown): Promise<OperationResponse>;
  /** Items in every table: for "nothing was written" checks. */
  countItems(): Promise<Record<keyof Tables, number>>;
  stop(): Promise<void>;
}

/**
 * The execution-handler in process against an embedded dynalite, with the projector fed by the local
 * stream exactly as on AWS. Services other than DynamoDB come from `options.overrides` (the emulators).
 */
export const startHandlerHarness = async (options: WiringOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<HandlerHarness> => {
  const dynamo = await startTestDynamo(env);
  const logLines: Array<Record<string, unknown>> = [];
  const logger = capturingLogger(logLines);
  const stream = new LocalDynamoStream({
    tableName: dynamo.config.tables.events,
    region: dynamo.config.region,
    // The deps are built on the client the stream taps, below; the stream delivers no record before then.
    consumer: (event) => createStreamHandler({ views: deps.views, ledger: deps.store, alarms: tamper.alarms })(event),
  });
  const client = options.dynamo ?? dynamo.client;
  stream.tap(client);
  const deps = buildDeps(dynamo.config, logger, { ...options, dynamo: client });
  const metricLines: Array<Record<string, unknown>> = [];
  const tamper = buildTamperAlarms(dynamo.config, client, {
    notifier: deps.notifier,
    writeMetric: (line) => metricLines.push(JSON.parse(line) as Record<string, unknown>),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    dynamo,
    deps,
    stream,
    logLines,
    tamperAlarms: tamper.log,
    metricLines,
    call: (event) => handleRequest(deps, logger, event, { functionName: 'execution-handler', awsRequestId: 'test-request' }),
    callInternal: (event) =>
      handleRequest(deps, logger, event, { functionName: 'execution-internal', awsRequestId: 'test-request' }, 'internal'),
    countItems: async () => {
      const counts = {} as Record<keyof Tables, number>;
      for (const [key, table] of Object.entries(dynamo.config.tables) as Array<[keyof Tables, string]>) {
        const output = await dynamo.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
        counts[key] = output.Count ?? 0;
      }
      return counts;
    },
    stop: () => stopTestDynamo(dynamo),
  };
};
