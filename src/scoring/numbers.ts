/**
 * Reading numbers the way models and people write them: `12.5`, `"1,234.50"`, `"$12"`, `"12 USD"`,
 * `"1.234,50"`, `"(12.50)"`, `"15%"`. A string is accepted only when its whole text is one number,
 * optionally with a currency mark or a percent sign, so `"12 kg"` or `"about 12"` are not numbers.
 * Separators: when a dot and a comma both appear, the last one is the decimal separator; a lone
 * comma followed by exactly three digits groups thousands (`1,234` is 1234, but `0,125` is 0.125), any
 * other lone comma is a decimal comma (`12,5`); a lone dot is a decimal point. Groups must have three digits (or the
 * Indian 2-digit groups before the last three), so `"1,2,3"` is not a number. What was done to read
 * a string is returned as a note, so a reason can say how the number was obtained.
 */
import { quote } from './text.js';

export type ParsedNumber = { ok: true; value: number; note?: string } | { ok: false; reason: string };

/** Currency symbols accepted before or after the digits. */
const CURRENCY_SYMBOL = '[$€£¥₹₩₽¢₺₫₴₦฿]';
/** The numbers JavaScript itself reads (no separators): `-12`, `.5`, `1e3`. */
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const SHAPE = new RegExp(
  `^([+-]?)\\s*(?:(${CURRENCY_SYMBOL}|[A-Z]{3})\\s*)?([+-]?)\\s*([\\d.,' ]*\\d)\\s*(${CURRENCY_SYMBOL}|[A-Z]{3}|%)?$`,
  'u',
);
const WESTERN_GROUPS = /^\d{1,3}(?:[^\d]\d{3})+$/;
const INDIAN_GROUPS = /^\d{1,2}(?:[^\d]\d{2})*[^\d]\d{3}$/;

export function parseNumber(value: unknown): ParsedNumber {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { ok: false, reason: 'is NaN, not a number' };
    if (!Number.isFinite(value)) return { ok: false, reason: `is ${value}, not a finite number` };
    return { ok: true, value };
  }
  if (typeof value === 'string') return parseNumberText(value);
  if (value === undefined) return { ok: false, reason: 'is missing' };
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
  return { ok: false, reason: `is ${kind}, not a number` };
}

function parseNumberText(original: string): ParsedNumber {
  const notANumber: ParsedNumber = { ok: false, reason: `${quote(original)} is not a number` };
  let text = original.replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\u2212/g, '-').trim();
  if (text === '') return { ok: false, reason: `${quote(original)} is empty, not a number` };
  if (PLAIN.test(text)) return { ok: true, value: Number(text) };

  const steps: string[] = [];
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(text);
  if (parenthesised) {
    negative = true;
    text = parenthesised[1]!.trim();
    steps.push('parentheses as a minus sign');
  }
  const shape = SHAPE.exec(text);
  if (!shape) return notANumber;
  const [, signBefore = '', prefix, signAfter = '', digits = '', suffix] = shape;
  if ((signBefore && signAfter) || (prefix && suffix) || (negative && (signBefore || signAfter))) return notANumber;
  const mark = prefix ?? suffix;
  if (mark === '%') steps.push('"%" dropped');
  else if (mark) steps.push(`currency ${quote(mark)} dropped`);

  const read = readDigits(digits);
  if (!read) return notANumber;
  if (read.step) steps.push(read.step);
  const sign = negative || signBefore === '-' || signAfter === '-' ? -1 : 1;
  const result = sign * read.value;
  return { ok: true, value: result, note: `read from ${quote(original)}${steps.length ? `: ${steps.join(', ')}` : ''}` };
}

/** Digits with grouping and decimal separators → the number, and what the separators were read as. */
function readDigits(body: string): { value: number; step?: string } | undefined {
  const hasDot = body.includes('.');
  const hasComma = body.includes(',');
  const spaced = /[' ]/.test(body);
  let decimal: '.' | ',' | null = null;
  if (hasDot && hasComma) {
    decimal = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
  } else if (hasComma) {
    const commas = body.split(',').length - 1;
    const before = body.slice(0, body.lastIndexOf(','));
    const afterLast = body.slice(body.lastIndexOf(',') + 1);
    const groupsThousands = afterLast.length === 3 && /^\d+$/.test(afterLast) && !/^0*$/.test(before);
    if (commas === 1 && !groupsThousands) decimal = ',';
  } else if (hasDot) {
    if (body.split('.').length - 1 === 1) decimal = '.';
  }

  let integer = body;
  let fraction = '';
  if (decimal) {
    const at = body.lastIndexOf(decimal);
    integer = body.slice(0, at);
    fraction = body.slice(at + 1);
    if (!/^\d+$/.test(fraction)) return undefined;
  }
  if (integer === '') integer = '0';
  const separators = new Set(integer.replace(/\d/g, ''));
  if (separators.size > 1) return undefined;
  if (separators.size === 1 && !(WESTERN_GROUPS.test(integer) || INDIAN_GROUPS.test(integer))) return undefined;
  const value = Number(`${integer.replace(/[^\d]/g, '')}.${fraction || '0'}`);
  if (!Number.isFinite(value)) return undefined;

  const group = [...separators][0];
  const parts: string[] = [];
  if (group !== undefined) parts.push(`${group === ' ' ? 'spaces' : quote(group)} as thousands separator${group === ' ' ? 's' : ''}`);
  if (decimal === ',') parts.push('"," as decimal separator');
  if (!hasDot && !hasComma && !spaced) return { value };
  return parts.length ? { value, step: parts.join(', ') } : { value };
}

/** A number for a reason: integers as they are, others without float noise (`0.1`, not `0.09999999999999964`). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

export interface Tolerance {
  /** Pass when |actual − expected| ≤ absolute. */
  absolute?: number;
  /** Pass when |actual − expected| ≤ relative × |expected|. */
  relative?: number;
}

export interface ToleranceCheck {
  pass: boolean;
  difference: number;
  /** `±0.01`, `±1% (0.125)`, `±0.01 or ±1% (0.125)`, or `exactly` without a tolerance. */
  allowed: string;
}

/**
 * Whether two numbers are within the tolerance: |a − e| ≤ absolute, or ≤ relative·|e|. Without
 * either they must be equal. A little slack (1e-12 of the larger magnitude) absorbs binary float
 * error, so 12.51 is within 0.01 of 12.5.
 */
export function withinTolerance(actual: number, expected: number, tolerance: Tolerance): ToleranceCheck {
  const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
  const difference = cleanDifference(Math.abs(actual - expected), scale);
  const slack = 1e-12 * scale;
  const bounds: string[] = [];
  let pass = false;
  if (tolerance.absolute !== undefined) {
    bounds.push(`±${formatNumber(tolerance.absolute)}`);
    if (difference <= tolerance.absolute + slack) pass = true;
  }
  if (tolerance.relative !== undefined) {
    const bound = tolerance.relative * Math.abs(expected);
    bounds.push(`±${formatNumber(tolerance.relative * 100)}% (${formatNumber(bound)})`);
    if (difference <= bound + slack) pass = true;
  }
  if (bounds.length === 0) return { pass: difference <= slack, difference, allowed: 'exactly' };
  return { pass, difference, allowed: bounds.join(' or ') };
}

/**
 * A difference rounded to the precision its operands carry (12 significant digits of the larger),
 * so 1234.6 − 1234.5 is 0.1 rather than 0.09999999999990905.
 */
function cleanDifference(difference: number, scale: number): number {
  const decimals = Math.min(100, Math.max(0, 12 - Math.ceil(Math.log10(scale))));
  return Number(difference.toFixed(decimals));
}

/** Checks a tolerance option at factory time: a finite number ≥ 0, or absent. */
export function toleranceProblem(tolerance: Tolerance): { field: 'absolute' | 'relative'; message: string } | undefined {
  for (const field of ['absolute', 'relative'] as const) {
    const value = tolerance[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return { field, message: `${field} tolerance must be a number ≥ 0, got ${JSON.stringify(value) ?? String(value)}` };
    }
  }
  return undefined;
}
