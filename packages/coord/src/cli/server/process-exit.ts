/** Exit codes and stop signals of `coord server`, standalone or ensemble member. */
export const EXIT_OK = 0;
/** The server could not start (port in use, ...) or failed while running. */
export const EXIT_FAILED = 1;
/** The configuration is wrong: nothing was started. */
export const EXIT_CONFIG = 2;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

/** Resolves with the first stop signal; a second one while stopping exits at once (128 + signal). */
export function nextStopSignal(onForced: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (!received) {
        received = true;
        resolve(signal);
        return;
      }
      onForced(signal);
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
    };
    for (const s of STOP_SIGNALS) process.on(s, handler);
  });
}
