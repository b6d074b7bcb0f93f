/** With the `u` flag a paired surrogate is one astral code point, so this matches unpaired halves only. */
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

/**
 * The text with every unpaired surrogate replaced by U+FFFD, as a UTF-8 encoder would. SNS takes UTF-8
 * only, and the SDK throws (URIError) rather than encode an unpaired surrogate: one of them in a plan
 * name would otherwise lose the notification. (String.prototype.toWellFormed does this from ES2024.)
 */
export const wellFormedText = (text: string): string => text.replace(LONE_SURROGATE, '\ufffd');
