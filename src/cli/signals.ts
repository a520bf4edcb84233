import { AbortedError } from '../errors.ts';
import { stderrTerminal } from './terminal.ts';

/** Runs a job with an AbortSignal that SIGINT / SIGTERM trigger, so stages clean up and exit. */
export async function withShutdownSignal<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    stderrTerminal.writeLine(`acsrec: ${name} received, stopping`);
    // stages that rethrow signal.reason then fail as aborted, not as an internal error
    controller.abort(new AbortedError(`aborted by ${name}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await job(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
