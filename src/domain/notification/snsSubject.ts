import { CUT_MARK } from '../text';
import { wellFormedText } from './wellFormedText';

/**
 * SNS refuses a Publish whose Subject is 100 characters or more, or holds a line break or a control
 * character ("UTF-8 text with no line breaks or control characters, and less than 100 characters long").
 * AWS does not say whether a character is a UTF-16 code unit or a code point; counting code units is
 * the stricter reading (an astral character such as an emoji is one code point but two code units), so
 * a subject that fits here fits under either.
 */
export const SNS_SUBJECT_MAX_LENGTH = 99;

/**
 * Replaced by a space: C0 controls (line feed, carriage return, tab...), DEL and C1 controls (next line
 * U+0085...), which SNS refuses; and, because a subject is shown to people, the Unicode line and
 * paragraph separators and the bidi embedding, override and isolate controls, which SNS may accept but
 * which break a subject line or make it read backwards.
 */
const UNSAFE_RUN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The text with nothing SNS could refuse in a subject: unsafe characters become spaces, unpaired
 * surrogates (which the SDK cannot even encode) become U+FFFD, spaces are collapsed and trimmed.
 */
export const subjectSafeText = (text: string): string => wellFormedText(text).replace(UNSAFE_RUN, ' ').replace(/ {2,}/g, ' ').trim();

/**
 * A Subject SNS accepts, made from any text: at most SNS_SUBJECT_MAX_LENGTH UTF-16 code units, with no
 * control characters, cut on a grapheme boundary (never inside a surrogate pair, an emoji sequence or a
 * letter with its accents) and ending with CUT_MARK when cut. Idempotent. Empty when nothing printable
 * is left: SNS refuses an empty Subject, so the caller then leaves it out.
 */
export const fitSnsSubject = (text: string): string => {
  const safe = subjectSafeText(text);
  if (safe.length <= SNS_SUBJECT_MAX_LENGTH) return safe;
  const budget = SNS_SUBJECT_MAX_LENGTH - CUT_MARK.length;
  let end = 0;
  for (const { segment } of graphemes.segment(safe)) {
    if (end + segment.length > budget) break;
    end += segment.length;
  }
  return safe.slice(0, end).trimEnd() + CUT_MARK;
};
