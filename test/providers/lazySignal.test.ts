import { describe, expect, it } from 'vitest';
import { withLazySignal } from '../../src/providers/lazySignal.js';

describe('withLazySignal', () => {
  it('makes the signal only when it is read, on each read', () => {
    let made = 0;
    const controller = new AbortController();
    const context = withLazySignal({ caseId: 'c1' }, () => {
      made++;
      return controller.signal;
    });
    expect(made).toBe(0);
    expect(context.signal).toBe(controller.signal);
    expect(context.signal).toBe(controller.signal);
    expect(made).toBe(2);
  });

  it('is an own, enumerable property, so a spread or Object.keys of the context sees it, and nothing else is added', () => {
    const controller = new AbortController();
    const context = withLazySignal({ caseId: 'c1', repeat: 0 }, () => controller.signal);
    expect(Object.keys(context)).toEqual(['caseId', 'repeat', 'signal']);
    const copy = { ...context };
    expect(copy.signal).toBe(controller.signal);
    expect(Object.keys(copy)).toEqual(['caseId', 'repeat', 'signal']);
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
    expect({ ...context, signal: undefined }).toEqual({ caseId: 'c1', repeat: 0, signal: undefined });
    expect(JSON.parse(JSON.stringify({ ...context, signal: undefined }))).toEqual({ caseId: 'c1', repeat: 0 });
  });

  it('keeps each context to its own signal', () => {
    const first = new AbortController();
    const second = new AbortController();
    const a = withLazySignal({ caseId: 'a' }, () => first.signal);
    const b = withLazySignal({ caseId: 'b' }, () => second.signal);
    second.abort(new Error('b stopped'));
    expect(a.signal.aborted).toBe(false);
    expect(b.signal.aborted).toBe(true);
  });
});
