/** Java patterns from AWS's models, compiled for JavaScript and matched whole, as AWS matches them. */
import { compileModelPattern, loadServiceModel, modelChecks, translateJavaPattern } from '../../../../src/local/emulators/models';
import type { ModelServiceName } from '../../../../src/local/emulators/models';

const matches = (pattern: string, value: string): boolean => {
  const regex = compileModelPattern(pattern);
  if (!regex) throw new Error(`${pattern} did not compile`);
  return regex.test(value);
};

describe('Java patterns', () => {
  it('translates what JavaScript lacks: POSIX classes, \\A \\z, possessive quantifiers, atomic groups', () => {
    expect(translateJavaPattern('\\p{Alnum}+')).toBe('[a-zA-Z0-9]+');
    expect(translateJavaPattern('[\\p{XDigit}_]')).toBe('[0-9a-fA-F_]');
    expect(translateJavaPattern('\\Aabc\\z')).toBe('^abc$');
    expect(translateJavaPattern('a++b*+c?+d{2}+')).toBe('a+b*c?d{2}');
    expect(translateJavaPattern('(?>ab)')).toBe('(?:ab)');
    expect(translateJavaPattern('\\++[+]')).toBe('\\++[+]');
    expect(translateJavaPattern('[\\p{L}\\p{Z}]')).toBe('[\\p{L}\\p{Z}]');
  });

  it('matches the whole value, as Java matches() does (STS refuses a session name with a space)', () => {
    expect(matches('[\\w+=,.@-]*', 'drs-ledger@ops')).toBe(true);
    expect(matches('[\\w+=,.@-]*', 'has space')).toBe(false);
    expect(matches('s-[0-9a-zA-Z]{17}', 's-1234567890abcdefg')).toBe(true);
    expect(matches('s-[0-9a-zA-Z]{17}', 'xs-1234567890abcdefg')).toBe(false);
    expect(matches('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', 'Équipe 7')).toBe(true);
    expect(matches('\\p{ASCII}*', 'é')).toBe(false);
  });

  it('leaves a pattern JavaScript cannot express unchecked, and lists it', () => {
    expect(compileModelPattern('(?i)abc')).toBeNull();
    expect(modelChecks.uncompiledPatterns()).toContain('(?i)abc');
  });

  it.each<ModelServiceName>(['drs', 'kms', 'lambda', 's3', 'sns', 'stepfunctions', 'sts'])(
    'compiles every pattern of the %s model',
    (service) => {
      const patterns = Object.values(loadServiceModel(service).shapes).flatMap((shape) =>
        shape.pattern === undefined ? [] : [shape.pattern],
      );
      const uncompiled = patterns.filter((pattern) => compileModelPattern(pattern) === null);
      expect(uncompiled).toEqual([]);
      if (service !== 'sns') expect(patterns.length).toBeGreaterThan(0);
    },
  );
});
