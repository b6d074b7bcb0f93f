/**
 * AWS models write `pattern` as Java regular expressions, and AWS validates with Java's
 * `Matcher.matches()`: the whole value must match (so `[\w+=,.@-]*` refuses "has space", as STS
 * does). This compiles them for JavaScript, anchored, translating what JavaScript lacks: POSIX
 * classes (\p{Alnum}, \p{ASCII}...), \A \z \Z, possessive quantifiers and atomic groups. Patterns
 * that still do not compile are left unchecked and listed in `uncompiledPatterns`.
 */

const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const BOUNDED_QUANTIFIER = /^\{\d+(,\d*)?\}/;

/** The pattern in JavaScript syntax (unanchored). */
export const translateJavaPattern = (pattern: string): string => {
  let out = '';
  let classDepth = 0;
  // Whether the last thing written outside a class was a quantifier: then a '+' makes it possessive
  // (X*+, X++, X?+, X{n}+), which JavaScript lacks; greedy matches the same whole strings.
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      const posix = /^p\{(\w+)\}/.exec(pattern.slice(i + 1));
      const range = posix ? POSIX_CLASSES[posix[1] as string] : undefined;
      if (posix && range !== undefined) {
        out += classDepth > 0 ? range : `[${range}]`;
        i += posix[0].length;
      } else if (classDepth === 0 && next === 'A') {
        out += '^';
        i += 1;
      } else if (classDepth === 0 && (next === 'z' || next === 'Z')) {
        out += '$';
        i += 1;
      } else {
        out += char + next;
        i += 1;
      }
      afterQuantifier = false;
      continue;
    }
    if (classDepth > 0) {
      if (char === '[') classDepth += 1;
      else if (char === ']') classDepth -= 1;
      out += char;
      continue;
    }
    const bounded = char === '{' ? BOUNDED_QUANTIFIER.exec(pattern.slice(i)) : null;
    if (bounded) {
      out += bounded[0];
      i += bounded[0].length - 1;
      afterQuantifier = true;
    } else if (char === '+' && afterQuantifier) {
      afterQuantifier = false; // possessive: dropped
    } else if (char === '(' && pattern.startsWith('?>', i + 1)) {
      out += '(?:'; // atomic group: the same whole-string matches
      i += 2;
      afterQuantifier = false;
    } else {
      // A '?' right after a quantifier makes it lazy, and is no quantifier itself; nor is the one of '(?'.
      const isQuantifier: boolean = (char === '*' || char === '+' || char === '?') && !out.endsWith('(') && !afterQuantifier;
      out += char;
      if (char === '[') classDepth += 1;
      afterQuantifier = isQuantifier;
    }
  }
  return out;
};

const compiled = new Map<string, RegExp | null>();
export const uncompiledPatterns = new Set<string>();

/** The anchored RegExp for a model pattern, or null when JavaScript cannot express it. */
export const compileModelPattern = (pattern: string): RegExp | null => {
  const known = compiled.get(pattern);
  if (known !== undefined) return known;
  const source = `^(?:${translateJavaPattern(pattern)})$`;
  let regex: RegExp | null = null;
  // 'u' first: \p{L} and code-point semantics, as Java; without it for patterns that escape
  // characters 'u' mode refuses to see escaped (\: in a class).
  for (const flags of ['u', '']) {
    try {
      regex = new RegExp(source, flags);
      break;
    } catch {
      // try the next flags
    }
  }
  if (!regex) uncompiledPatterns.add(pattern);
  compiled.set(pattern, regex);
  return regex;
};
