import { randomUUID } from 'node:crypto';
import type { AwsQueryAction } from '../awsQuery';
import type { SnsContext } from './context';
import { notFound } from './errors';
import { readPublishRequest } from './publishRequest';

/**
 * Publish -> { MessageId }: the message appended to the outbox. An injected fault (failPublishes)
 * answers before the parameters are read; a topic that does not exist is NotFound (404).
 */
export const publish: AwsQueryAction<SnsContext> = (context, call) => {
  const fault = context.faults.take('failPublishes');
  if (fault) throw fault;
  const request = readPublishRequest(call.params);
  if (!context.topics.has(request.topicArn)) {
    if (!context.autoCreateTopics) throw notFound('Topic does not exist');
    context.topics.add(request.topicArn);
  }
  const messageId = randomUUID();
  context.outbox.append({ messageId, ...request, publishedAt: new Date(context.clock()).toISOString() });
  context.stats.published += 1;
  return { MessageId: messageId };
};
