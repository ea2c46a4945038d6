/**
 * Ctrl-C handling: the first SIGINT or SIGTERM stops scheduling and lets running cells finish
 * within the grace (then a partial report, exit 130); a second signal kills them at once.
 */

export interface SignalHandling {
  /** Aborted by the first signal: stop scheduling. */
  stop: AbortSignal;
  /** Aborted by the second signal: kill running cells now. */
  kill: AbortSignal;
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function handleSignals(
  stderr: { write(text: string): unknown },
  proc: NodeJS.EventEmitter = process,
): SignalHandling {
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (signal: string) => {
    if (!stop.signal.aborted) {
      stderr.write(
        `\nkmatrix: ${signal}: stopping; running cells get a grace period ` +
          '(press Ctrl-C again to kill them now)\n',
      );
      stop.abort(new DOMException(signal, 'AbortError'));
    } else if (!kill.signal.aborted) {
      stderr.write(`\nkmatrix: ${signal} again: killing running cells\n`);
      kill.abort(new DOMException(signal, 'AbortError'));
    }
  };
  for (const s of SIGNALS) proc.on(s, onSignal);
  return {
    stop: stop.signal,
    kill: kill.signal,
    dispose: () => {
      for (const s of SIGNALS) proc.off(s, onSignal);
    },
  };
}
