/**
 * User regular expressions run on a linear-time engine, so no pattern and no output can freeze a
 * run (`^(a+)+$` against forty `a`s and a `!` takes microseconds, not hours). Patterns are written
 * in JavaScript syntax, checked by JavaScript's parser first (so syntax errors read as they always
 * did), then translated and compiled by re2js, a pure-JavaScript port of RE2: matching time grows
 * linearly with the input, whatever the pattern.
 *
 * What RE2 cannot run — lookahead, lookbehind and backreferences — is refused when the pattern is
 * compiled (at suite load), with a message that says why, never at run time. re2js is loaded on
 * first use only: a suite without regexes does not pay for it.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/** The first match of a pattern: its text and where it starts (UTF-16 index, like RegExp). */
export interface LinearMatch {
  text: string;
  index: number;
}

export interface LinearRegex {
  /** The pattern as JavaScript prints it (`RegExp#source`). */
  readonly source: string;
  /** The flags as JavaScript prints them, without `g` and `y`. */
  readonly flags: string;
  exec(text: string): LinearMatch | null;
  test(text: string): boolean;
}

/** A pattern the linear engine cannot run, or that does not parse; the message says which. */
export class UnsupportedPatternError extends Error {
  constructor(
    /** `syntax`: JavaScript cannot parse it; `nonlinear`: it parses, but RE2 cannot run it. */
    readonly kind: 'syntax' | 'nonlinear',
    /** What is wrong, without the pattern: "uses a lookahead (?=…), which cannot run in linear time". */
    readonly detail: string,
    readonly pattern: string,
    readonly hint: string,
  ) {
    super(kind === 'syntax' ? `invalid regular expression ${pattern}: ${detail}` : `regular expression ${pattern} ${detail}`);
    this.name = 'UnsupportedPatternError';
  }
}

export const LINEAR_REGEX_HINT =
  'promptgold runs regular expressions on a linear-time engine (RE2) so that no pattern can freeze a run: lookahead (?=…) (?!…), lookbehind (?<=…) (?<!…) and backreferences (\\1, \\k<name>) are not available; rewrite the pattern without them (a notRegex check can replace a negative lookahead)';

type Re2Module = typeof import('re2js');
let re2: Re2Module | undefined;
function engine(): Re2Module {
  // createRequire keeps compilation synchronous (scorer factories are) while loading re2js lazily.
  re2 ??= createRequire(import.meta.url)('re2js') as Re2Module;
  return re2;
}

const cache = new Map<string, LinearRegex>();

/**
 * Compiles `pattern` with JavaScript `flags`. `g` and `y` are dropped (they only make RegExp
 * stateful); `i`, `m`, `s` and `u` keep their meaning. Throws UnsupportedPatternError for a
 * pattern that does not parse or cannot run in linear time. Equal patterns share one program.
 */
export function compileLinearRegex(pattern: string, flags = ''): LinearRegex {
  if (flags.includes('v')) {
    throw new UnsupportedPatternError('nonlinear', 'uses the v flag (set notation), which is not supported', `/${pattern}/${flags}`, 'use the u flag, or no flag');
  }
  let checked: RegExp;
  try {
    // JavaScript's own parser first: a typo is reported the way JavaScript reports it.
    checked = new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch (error) {
    throw new UnsupportedPatternError('syntax', (error as Error).message, `/${pattern}/${flags}`, 'check the pattern syntax (JavaScript RegExp); in JSON, backslashes must be doubled: "\\\\d+"');
  }
  const key = `${checked.flags}/${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compile(pattern, checked);
    cache.set(key, compiled);
  }
  return compiled;
}

function compile(pattern: string, checked: RegExp): LinearRegex {
  const unsupported = nonLinearConstruct(pattern);
  const shown = `/${checked.source}/${checked.flags}`;
  if (unsupported) throw new UnsupportedPatternError('nonlinear', `uses ${unsupported}, which cannot run in linear time`, shown, LINEAR_REGEX_HINT);
  const { RE2JS } = engine();
  let options = 0;
  if (checked.ignoreCase) options |= RE2JS.CASE_INSENSITIVE;
  if (checked.multiline) options |= RE2JS.MULTILINE;
  if (checked.dotAll) options |= RE2JS.DOTALL;
  let program: RE2JS;
  try {
    program = RE2JS.compile(RE2JS.translateRegExp(pattern), options);
  } catch (error) {
    throw new UnsupportedPatternError('nonlinear', `cannot run on the linear-time engine (${(error as Error).message})`, shown, LINEAR_REGEX_HINT);
  }
  return {
    source: checked.source,
    flags: checked.flags,
    exec(text) {
      const match = program.exec(text);
      return match ? { text: String(match[0]), index: (match as unknown as { index: number }).index } : null;
    },
    test: (text) => program.test(text),
  };
}

/**
 * The first construct RE2 cannot run, named for the user. A scan rather than RE2's own error,
 * because re2js's translation would quietly turn `\k<name>` into the letters `k<name>`.
 */
function nonLinearConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && pattern[i + 2] === '<') return 'a named backreference (\\k<…>)';
      i++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && pattern[i + 1] === '?') {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind.startsWith('=')) return 'a lookahead (?=…)';
      if (kind.startsWith('!')) return 'a negative lookahead (?!…)';
      if (kind === '<=') return 'a lookbehind (?<=…)';
      if (kind === '<!') return 'a negative lookbehind (?<!…)';
    }
  }
  return undefined;
}

/**
 * The engine ajv uses for `pattern` and `patternProperties` (its `code.regExp` option): the same
 * linear-time matching for patterns inside JSON Schemas. ajv keys compiled patterns by
 * `toString()`, so each pattern must print as itself.
 */
export const linearRegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const compiled = compileLinearRegex(pattern, flags);
    return { test: (text: string) => compiled.test(text), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'promptgoldLinearRegExp' },
);
