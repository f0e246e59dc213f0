/**
 * A value made by `build` the first time it is asked for, then kept. For things that cost start-up
 * time and that many runs never need, such as zod schemas (issue 17).
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
