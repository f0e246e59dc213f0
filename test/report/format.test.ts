import { describe, expect, it } from 'vitest';
import {
  confidenceLevel,
  count,
  milliseconds,
  percent,
  points,
  pointsInterval,
  pValue,
  pValueClause,
  signedNumber,
  signedPercent,
  signedPoints,
  usd,
} from '../../src/report/format.js';

describe('report number formatting', () => {
  it('prints percent, points and signed values with one sign convention', () => {
    expect(percent(0.7356)).toBe('73.6%');
    expect(percent(null)).toBe('—');
    expect(points(-0.02)).toBe('2.0 pts');
    expect(signedPoints(-0.019)).toBe('−1.9 pts');
    expect(signedPoints(0.045)).toBe('+4.5 pts');
    // Zero, and anything that rounds to zero at the precision shown, reads ±: never "−0.0 pts".
    expect(signedPoints(0)).toBe('±0.0 pts');
    expect(signedPoints(-0.0001)).toBe('±0.0 pts');
    expect(signedPercent(0)).toBe('±0%');
    expect(signedPercent(0.004)).toBe('±0%');
    expect(signedPercent(1)).toBe('+100%');
    expect(signedPercent(-0.34)).toBe('−34%');
    expect(signedNumber(-0.0213)).toBe('−0.021');
    expect(signedNumber(Number.NaN)).toBe('—');
    expect(pointsInterval({ estimate: -0.03, low: -0.042, high: -0.018 })).toBe('−3.0 pts (−4.2 pts to −1.8 pts)');
  });

  it('prints p-values, levels, money, times and counts', () => {
    expect(pValue(0.0472)).toBe('0.047');
    expect(pValue(0.00312)).toBe('0.0031');
    expect(pValue(1e-6)).toBe('<0.0001');
    expect(pValue(Number.NaN)).toBe('n/a');
    expect(pValueClause(0.0472)).toBe('= 0.047');
    expect(pValueClause(1e-6)).toBe('< 0.0001');
    expect(confidenceLevel(0.05)).toBe('95%');
    expect(confidenceLevel(0.1)).toBe('90%');
    expect(confidenceLevel(0.005)).toBe('99.5%');
    expect(usd(0.001203)).toBe('$0.001203');
    expect(usd(1.5)).toBe('$1.5000');
    expect(usd(null)).toBe('—');
    expect(milliseconds(949.4)).toBe('949 ms');
    expect(count(3372)).toBe('3,372');
  });

  it('counts read exactly as en-US toLocaleString would write them, without loading ICU', () => {
    const samples = [0, -0, 0.4, -0.4, 1, 9, 10, 99, 100, 999, 1000, -1000, 999_999, 1_000_000, -1_234_567.5, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21];
    let seed = 7;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 48271) % 2147483647;
      samples.push((seed % 2 ? -1 : 1) * (seed / 2147483647) * 10 ** (i % 17));
    }
    for (const x of samples) expect(count(x), String(x)).toBe(Math.round(x).toLocaleString('en-US'));
  });
});
