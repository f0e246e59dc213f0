/**
 * The SDK warns with console.warn on every request to a deprecated model (in
 * resources/messages/messages.js, two lines per request: 624 lines for a run of 312 requests).
 * promptgold warns about retiring models itself before a run; the SDK's own deprecation warnings
 * are shown once per distinct message — once per model — per process. Other warnings pass as they are.
 */

const SDK_DEPRECATION = /^(The model '[^']+' is deprecated|Using Claude with \S+ and 'thinking\.type=enabled' is deprecated)/;

let installed = false;

export function showSdkDeprecationWarningsOnce(): void {
  if (installed) return;
  installed = true;
  const warn = console.warn;
  const shown = new Set<string>();
  console.warn = function deduplicatedWarn(this: Console, ...args: unknown[]) {
    const first = args[0];
    if (typeof first === 'string' && SDK_DEPRECATION.test(first)) {
      if (shown.has(first)) return;
      shown.add(first);
    }
    warn.apply(this, args);
  };
}
