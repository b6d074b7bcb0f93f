/**
 * The Subject of every outcome notification is one SNS accepts, whatever the plan's name: up to the
 * validator's 256 characters, astral characters, combining marks, and control characters or unpaired
 * surrogates that a ledger written before names were checked may still hold.
 */
import fc from 'fast-check';
import { fitSnsSubject, outcomeSubject, SNS_SUBJECT_MAX_LENGTH, subjectSafeText } from '../../../src/domain/notification';
import { MAX_NAME_LENGTH } from '../../../src/domain/plan';
import { CUT_MARK } from '../../../src/domain/text';

/** SNS's rule, written out independently of the code under test: 1 to 99 UTF-16 code units, no C0/DEL/C1, well-formed UTF-16. */
const acceptedBySns = (subject: string): boolean => {
  if (subject.length === 0 || subject.length > 99) return false;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(subject)) return false;
  try {
    encodeURIComponent(subject); // throws URIError on an unpaired surrogate, as the SDK would
    return true;
  } catch {
    return false;
  }
};

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const troublesome = fc.constantFrom(
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u2069',
  '🚒',
  '👩‍🚒',
  '🇫🇷',
  '\u{1F3F3}\u{FE0F}\u200D\u{1F308}',
  'e\u0301',
  ' ',
  '  ',
  '\u00a0',
  '東',
  '…',
);
const unit = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: troublesome, weight: 3 },
  { arbitrary: loneSurrogate, weight: 1 },
);
/** Any plan name up to the validator's maximum, counted as the validator counts: code points (up to 512 UTF-16 code units). */
const planNameArb = fc
  .string({ unit, maxLength: MAX_NAME_LENGTH, size: 'max' })
  .map((name) => [...name].slice(0, MAX_NAME_LENGTH).join(''));
const outcomeArb = fc.record({
  executionType: fc.constantFrom('DRILL' as const, 'RECOVERY' as const),
  status: fc.constantFrom('COMPLETED' as const, 'FAILED' as const, 'CANCELLED' as const),
});
const VERB = { COMPLETED: 'completed', FAILED: 'FAILED', CANCELLED: 'cancelled' } as const;

describe('outcomeSubject', () => {
  it('gives a subject SNS accepts for any plan name', () => {
    fc.assert(
      fc.property(outcomeArb, planNameArb, (outcome, planName) => {
        const subject = outcomeSubject(outcome, planName);
        expect(acceptedBySns(subject)).toBe(true);
        expect(subject.startsWith(`DRS ${outcome.executionType.toLowerCase()} ${VERB[outcome.status]}:`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the whole (cleaned) name when it fits, otherwise a beginning of it and the cut mark', () => {
    fc.assert(
      fc.property(outcomeArb, planNameArb, (outcome, planName) => {
        const whole = subjectSafeText(`DRS ${outcome.executionType.toLowerCase()} ${VERB[outcome.status]}: ${planName}`);
        const subject = outcomeSubject(outcome, planName);
        if (whole.length <= SNS_SUBJECT_MAX_LENGTH) {
          expect(subject).toBe(whole);
        } else {
          expect(subject.endsWith(CUT_MARK)).toBe(true);
          expect(whole.startsWith(subject.slice(0, -CUT_MARK.length))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a 78-character name whole: the subject is then exactly 99 characters', () => {
    const name = 'N'.repeat(78);
    expect(outcomeSubject({ executionType: 'DRILL', status: 'COMPLETED' }, name)).toBe(`DRS drill completed: ${name}`);
    expect(outcomeSubject({ executionType: 'DRILL', status: 'COMPLETED' }, name)).toHaveLength(99);
  });

  it('cuts a 79-character name, which the old slice(0, 100) sent to SNS as a 100-character subject', () => {
    const subject = outcomeSubject({ executionType: 'DRILL', status: 'COMPLETED' }, 'N'.repeat(79));
    expect(subject).toBe(`DRS drill completed: ${'N'.repeat(77)}${CUT_MARK}`);
    expect(acceptedBySns(subject)).toBe(true);
  });

  it('never cuts an emoji in half, nor an emoji sequence', () => {
    for (let pad = 70; pad <= 80; pad += 1) {
      const subject = outcomeSubject({ executionType: 'RECOVERY', status: 'FAILED' }, `${'a'.repeat(pad)}👩‍🚒🚒🚒🚒🚒`);
      expect(acceptedBySns(subject)).toBe(true);
      const kept = subject.slice(0, -CUT_MARK.length);
      expect(kept.endsWith('\u200d') || kept.endsWith('👩')).toBe(false);
    }
  });

  it('turns line breaks and other controls from an old ledger into single spaces', () => {
    expect(outcomeSubject({ executionType: 'DRILL', status: 'CANCELLED' }, 'Three-tier\r\nweb\tshop\u0085\u202e')).toBe(
      'DRS drill cancelled: Three-tier web shop',
    );
  });
});

describe('fitSnsSubject', () => {
  it('gives a subject SNS accepts for any text that leaves something printable, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 2000, size: 'max' }), (text) => {
        const subject = fitSnsSubject(text);
        if (subject === '') {
          expect(subjectSafeText(text)).toBe('');
          return;
        }
        expect(acceptedBySns(subject)).toBe(true);
        expect(fitSnsSubject(subject)).toBe(subject);
      }),
      { numRuns: 1000 },
    );
  });

  it('is empty when nothing printable is left, so the notifier leaves the Subject out', () => {
    expect(fitSnsSubject('\n\t \u0000 ')).toBe('');
  });
});
