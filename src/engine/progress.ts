/**
 * Progress on stderr: a live bar redrawn in place on a TTY, periodic plain lines elsewhere (CI logs
 * should not fill with carriage returns). Pure formatting is separate from the timer and the stream.
 */

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  passed: number;
  scored: number;
  costUsd: number;
  elapsedMs: number;
}

export type ProgressMode = 'tty' | 'plain' | 'none';

export function formatProgress(state: ProgressState, width = 24): string {
  const fraction = state.total ? state.done / state.total : 1;
  const filled = Math.round(fraction * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  // The golden pass rate with its denominator; the cost only once some provider reported one (a function provider never does).
  const passRate = state.scored ? `${((100 * state.passed) / state.scored).toFixed(1)}% pass (${state.passed}/${state.scored})` : '— pass';
  const cost = state.costUsd > 0 ? ` $${state.costUsd.toFixed(4)}` : '';
  const eta = state.done > 0 && state.done < state.total ? ` ETA ${formatDuration(((state.total - state.done) * state.elapsedMs) / state.done)}` : '';
  return `${state.label} ${bar} ${state.done}/${state.total} ${passRate}${cost}${eta}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();
  private lastPlainDone = -1;

  constructor(
    private readonly mode: ProgressMode,
    private readonly read: () => Omit<ProgressState, 'elapsedMs'>,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    if (this.mode === 'none') return;
    const interval = this.mode === 'tty' ? 100 : 5000;
    this.timer = setInterval(() => this.draw(false), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.mode !== 'none') this.draw(true);
  }

  private draw(final: boolean): void {
    const state = { ...this.read(), elapsedMs: performance.now() - this.started };
    if (this.mode === 'tty') {
      this.stream.write(`\r\x1b[2K${formatProgress(state)}${final ? '\n' : ''}`);
      return;
    }
    if (!final && state.done === this.lastPlainDone) return;
    this.lastPlainDone = state.done;
    this.stream.write(`${formatProgress(state)}\n`);
  }
}
