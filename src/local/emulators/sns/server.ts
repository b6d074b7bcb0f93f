import { handleFaultRoute } from '../faultRoutes';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock, systemClock } from '../clock';
import { LoopbackServer, requestPath, sendJson, startLoopbackServer } from '../http';
import { invalidParameter, notFound, SnsError } from './errors';
import { SnsFaults, SnsFaultSpec } from './faults';
import { Outbox, PublishedMessage } from './outbox';
import { readPublishRequest } from './publishRequest';
import { snsModelChecks } from './modelChecks';
import { errorXml, resultXml } from './xml';

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

export interface SnsStats {
  calls: Record<string, number>;
  published: number;
  errors: Record<string, number>;
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

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const sendXml = (response: ServerResponse, status: number, xml: string, requestId: string): void => {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(xml)),
    'x-amzn-RequestId': requestId,
  });
  response.end(xml);
};

/**
 * An HTTP server on 127.0.0.1 speaking SNS's awsQuery protocol as @aws-sdk/client-sns sends and
 * reads it: form-encoded POST / with Action=Publish|CreateTopic, answered with
 * <PublishResponse><PublishResult><MessageId> (or <CreateTopicResult><TopicArn>), and errors as
 * <ErrorResponse><Error><Type/><Code/><Message/></Error>.
 */
export const startSnsEmulator = async (options: SnsEmulatorOptions = {}): Promise<SnsEmulator> => {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const clock = options.clock ?? systemClock;
  const outbox = new Outbox(options.outboxPath);
  const faults = new SnsFaults();
  const topics = new Set<string>();
  const stats: SnsStats = { calls: {}, published: 0, errors: {} };
  const topicArn = (name: string): string => `arn:aws:sns:${region}:${accountId}:${name}`;
  const createTopic = (name: string): string => {
    if (!TOPIC_NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
    const arn = topicArn(name);
    topics.add(arn);
    return arn;
  };
  for (const name of options.topics ?? []) createTopic(name);

  const publish = (params: URLSearchParams): Record<string, string> => {
    const fault = faults.takePublishFault();
    if (fault) throw fault;
    const request = readPublishRequest(params);
    if (!topics.has(request.topicArn)) {
      if (!options.autoCreateTopics) throw notFound('Topic does not exist');
      topics.add(request.topicArn);
    }
    const messageId = randomUUID();
    outbox.append({ messageId, ...request, publishedAt: new Date(clock()).toISOString() });
    stats.published += 1;
    return { MessageId: messageId };
  };

  const act = (action: string, params: URLSearchParams): Record<string, string> => {
    switch (action) {
      case 'Publish':
        return publish(params);
      case 'CreateTopic':
        return { TopicArn: createTopic(params.get('Name') ?? '') };
      default:
        throw new SnsError('InvalidAction', 400, `The action ${action} is not valid for this endpoint.`);
    }
  };

  const handleAdmin = (request: IncomingMessage, path: string, body: string, response: ServerResponse): void => {
    const route = `${request.method ?? 'GET'} ${path.slice('/__emulator/'.length)}`;
    let payload: Record<string, unknown>;
    try {
      payload = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    } catch {
      sendJson(response, 400, { message: 'Body is not valid JSON' });
      return;
    }
    if (handleFaultRoute<SnsFaultSpec>(route, payload, faults, response)) return;
    switch (route) {
      case 'GET messages':
        sendJson(response, 200, { messages: outbox.list() });
        return;
      case 'GET stats':
        sendJson(response, 200, stats);
        return;
      default:
        sendJson(response, 404, { message: `No emulator route ${route}` });
    }
  };

  const handle = (request: IncomingMessage, body: string, response: ServerResponse): void => {
    const path = requestPath(request);
    if (path.startsWith('/__emulator/')) {
      handleAdmin(request, path, body, response);
      return;
    }
    const requestId = randomUUID();
    const params = new URLSearchParams(request.method === 'POST' ? body : (request.url ?? '').split('?')[1] ?? '');
    const action = params.get('Action') ?? '';
    stats.calls[action] = (stats.calls[action] ?? 0) + 1;
    try {
      if (action === '') throw new SnsError('MissingAction', 400, 'Missing Action');
      snsModelChecks.checkRequest(action, params);
      const fields = act(action, params);
      snsModelChecks.checkAnswer(action, fields);
      sendXml(response, 200, resultXml(action, fields, requestId), requestId);
    } catch (error) {
      const snsError = snsModelChecks.checkedError(
        action,
        error instanceof SnsError ? error : new SnsError('InternalError', 500, `SNS emulator failure: ${String(error)}`),
      );
      stats.errors[snsError.code] = (stats.errors[snsError.code] ?? 0) + 1;
      sendXml(response, snsError.status, errorXml(snsError.type, snsError.code, snsError.message, requestId), requestId);
    }
  };

  const server = await startLoopbackServer(options.port ?? 0, handle);
  return {
    ...server,
    region,
    faults,
    messages: () => outbox.list(),
    createTopic,
    topicArn,
    stats: () => structuredClone(stats),
    outboxPath: outbox.path,
  };
};
