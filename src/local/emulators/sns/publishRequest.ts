import { invalidParameter, invalidParameterValue } from './errors';
import type { MessageAttributeValue } from './messageAttribute';
import { isAcceptedSubject, MAX_PUBLISH_BYTES, publishBytes } from './publishLimits';

export type { MessageAttributeValue };

export interface PublishRequest {
  topicArn: string;
  message: string;
  subject?: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  messageStructure?: string;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

const DATA_TYPE = /^(String|Number|Binary|String\.Array)(\..+)?$/;
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue / .Value.BinaryValue */
const readAttributes = (params: URLSearchParams): Record<string, MessageAttributeValue> => {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = params.get(`${prefix}.Name`) ?? '';
    const dataType = params.get(`${prefix}.Value.DataType`);
    const stringValue = params.get(`${prefix}.Value.StringValue`);
    const binaryValue = params.get(`${prefix}.Value.BinaryValue`);
    if (name === '') throw invalidParameterValue('The message attribute name must not be empty.');
    if (!dataType || !DATA_TYPE.test(dataType)) {
      throw invalidParameterValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (dataType.startsWith('Binary') ? !binaryValue : !stringValue) {
      throw invalidParameterValue(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
      );
    }
    if (dataType.startsWith('Number') && Number.isNaN(Number(stringValue))) {
      throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
    }
    attributes[name] = {
      DataType: dataType,
      ...(stringValue !== null ? { StringValue: stringValue } : {}),
      ...(binaryValue !== null ? { BinaryValue: binaryValue } : {}),
    };
  }
  return attributes;
};

/** The Publish parameters, checked as SNS checks them. Only topics are supported (no TargetArn/PhoneNumber delivery). */
export const readPublishRequest = (params: URLSearchParams): PublishRequest => {
  const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
  if (!topicArn) {
    throw invalidParameter(
      params.has('PhoneNumber')
        ? 'Invalid parameter: PhoneNumber (the SNS emulator publishes to topics only)'
        : 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  if (!TOPIC_ARN.test(topicArn)) throw invalidParameter('Invalid parameter: TopicArn');
  const message = params.get('Message');
  if (message === null || message === '') throw invalidParameter('Invalid parameter: Empty message');
  const subject = params.get('Subject');
  // SNS names no reason: the same words for an empty, a long or a multi-line subject.
  if (subject !== null && !isAcceptedSubject(subject)) throw invalidParameter('Invalid parameter: Subject');
  const messageAttributes = readAttributes(params);
  if (publishBytes(message, messageAttributes) > MAX_PUBLISH_BYTES) throw invalidParameter('Invalid parameter: Message too long');
  const optional = (name: string): string | undefined => params.get(name) ?? undefined;
  const request: PublishRequest = { topicArn, message, messageAttributes };
  if (subject !== null) request.subject = subject;
  const structure = optional('MessageStructure');
  if (structure !== undefined) request.messageStructure = structure;
  const group = optional('MessageGroupId');
  if (group !== undefined) request.messageGroupId = group;
  const dedup = optional('MessageDeduplicationId');
  if (dedup !== undefined) request.messageDeduplicationId = dedup;
  if (topicArn.endsWith('.fifo') && !request.messageGroupId) {
    throw invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  }
  if (request.messageStructure === 'json') {
    try {
      const parsed = JSON.parse(message) as Record<string, unknown>;
      if (typeof parsed.default !== 'string') throw new Error('no default');
    } catch {
      throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
    }
  }
  return request;
};
