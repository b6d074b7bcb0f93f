import fc from 'fast-check';
import { fitSnsMessage, SNS_PUBLISH_MAX_BYTES, stringAttributesBytes } from '../../../src/domain/notification';
import { CUT_MARK } from '../../../src/domain/text';

const attributes = { executionId: 'exec-2026-01-01-drill', planId: 'plan-three-tier', status: 'FAILED' };
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('fitSnsMessage', () => {
  it('counts each attribute as SNS does: name, data type (String) and value', () => {
    expect(stringAttributesBytes({ status: 'FAILED' })).toBe('status'.length + 'String'.length + 'FAILED'.length);
  });

  it('keeps a message that fits whole, line breaks included', () => {
    const message = `DRILL exec-1 of plan "Three-tier\nweb shop" (plan-three-tier) failed: 🚒 ${'x'.repeat(1000)}`;
    expect(fitSnsMessage(message, attributes)).toBe(message);
  });

  it('keeps a message of exactly the budget whole', () => {
    const message = 'm'.repeat(SNS_PUBLISH_MAX_BYTES - stringAttributesBytes(attributes));
    expect(fitSnsMessage(message, attributes)).toBe(message);
  });

  it('bounds any message, with its attributes, to 262,144 bytes, cut on a code point and marked', () => {
    const piece = fc.constantFrom('a', 'é', '€', '🚒', '東', '\n');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 120_000 }), (pieces, times) => {
        const message = pieces.join('').repeat(times);
        const fitted = fitSnsMessage(message, attributes);
        expect(bytes(fitted) + stringAttributesBytes(attributes)).toBeLessThanOrEqual(SNS_PUBLISH_MAX_BYTES);
        if (fitted === message) return;
        expect(fitted.endsWith(CUT_MARK)).toBe(true);
        const kept = fitted.slice(0, -CUT_MARK.length);
        expect(message.startsWith(kept)).toBe(true);
        expect(() => encodeURIComponent(fitted)).not.toThrow();
      }),
      { numRuns: 60 },
    );
  });

  it('replaces an unpaired surrogate, which the SDK cannot encode, with U+FFFD', () => {
    expect(fitSnsMessage('plan \ud83d name', attributes)).toBe('plan \ufffd name');
    expect(fitSnsMessage('plan 🚒 name', attributes)).toBe('plan 🚒 name');
  });
});
