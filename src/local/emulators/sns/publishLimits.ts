import type { MessageAttributeValue } from './messageAttribute';

/**
 * SNS's own limits on Publish, kept apart from the application's (src/domain/notification) on purpose:
 * the emulator stands for AWS, so a mistake in what the application sends shows up as AWS would show it.
 */

/** "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters long." */
const SUBJECT_LIMIT = 100;
/** C0 (line feed, carriage return, tab...), DEL and C1 (next line U+0085...): ISO control characters. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Whether SNS accepts this Subject. AWS does not say whether a character is a UTF-16 code unit or a
 * code point; this counts code units, the stricter reading (an emoji counts two), so that a subject
 * passing here passes SNS under either: an emulator that refuses too much is noticed in a test, one
 * that accepts too much is noticed in production. Any other UTF-8 is accepted: accents, CJK, emoji,
 * a leading space. (SNS's older rule, ASCII beginning with a letter, digit or punctuation mark, is gone
 * from its documentation.)
 */
export const isAcceptedSubject = (subject: string): boolean =>
  subject.length > 0 && subject.length < SUBJECT_LIMIT && !CONTROL_CHARACTER.test(subject);

/** "at most 256 KB in size (262,144 bytes, not 262,144 characters)". */
export const MAX_PUBLISH_BYTES = 262_144;

/**
 * What a Publish weighs against MAX_PUBLISH_BYTES: the message's UTF-8 bytes, and every attribute's
 * name, data type and value, which SNS counts toward the same 256 KB.
 */
export const publishBytes = (message: string, attributes: Record<string, MessageAttributeValue>): number => {
  let bytes = Buffer.byteLength(message, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    if (value.StringValue !== undefined) bytes += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) bytes += Buffer.from(value.BinaryValue, 'base64').length;
  }
  return bytes;
};
