import { boundText, utf8Length } from '../text';
import { wellFormedText } from './wellFormedText';

/**
 * SNS refuses a Publish over 256 KB: 262,144 bytes of UTF-8, and the message attributes (each one's
 * name, data type and value) count toward it with the message.
 */
export const SNS_PUBLISH_MAX_BYTES = 262_144;

/** What message attributes weigh against SNS_PUBLISH_MAX_BYTES, sent as the notifier sends them: DataType String. */
export const stringAttributesBytes = (attributes: Record<string, string>): number =>
  Object.entries(attributes).reduce((sum, [name, value]) => sum + utf8Length(name) + utf8Length('String') + utf8Length(value), 0);

/**
 * A Message SNS accepts alongside these attributes: the whole text when it fits (line breaks and all,
 * which a message may hold), otherwise cut on a code point boundary and marked as cut. Unpaired
 * surrogates become U+FFFD: they are not UTF-8, and the SDK throws rather than encode them.
 */
export const fitSnsMessage = (message: string, attributes: Record<string, string>): string =>
  boundText(wellFormedText(message), SNS_PUBLISH_MAX_BYTES - stringAttributesBytes(attributes));
