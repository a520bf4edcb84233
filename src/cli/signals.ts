/** Runs a job with an AbortSignal that SIGINT / SIGTERM trigger, so stages clean up and exit. */
export async function withShutdownSignal<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    process.stderr.write(`acsrec: ${name} received, stopping\n`);
    controller.abort(new Error(name));
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
