/** Counters and a duration histogram of the worker, rendered as Prometheus text. */
export class WorkerMetrics {
  /** Histogram bucket bounds in seconds: short test recordings up to hour-long calls. */
  static readonly BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

  completed = 0;
  skipped = 0;
  failed = 0;
  poisoned = 0;
  released = 0;
  inFlight = 0;
  readonly #bucketCounts = WorkerMetrics.BUCKETS.map(() => 0);
  #durationCount = 0;
  #durationSum = 0;

  /** Records the wall-clock time a message took, whatever the outcome. */
  observeDuration(seconds: number): void {
    this.#durationCount += 1;
    this.#durationSum += seconds;
    WorkerMetrics.BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.#bucketCounts[i]! += 1;
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
    const lines = [
      ...counter('acsrec_worker_jobs_completed_total', 'Recordings processed and archived.', this.completed),
      ...counter('acsrec_worker_jobs_skipped_total', 'Redelivered recordings whose archive was already complete.', this.skipped),
      ...counter('acsrec_worker_jobs_failed_total', 'Failed attempts (retried later or dead-lettered).', this.failed),
      ...counter('acsrec_worker_jobs_poisoned_total', 'Messages moved to the poison queue.', this.poisoned),
      ...counter('acsrec_worker_jobs_released_total', 'Messages handed back to the queue on shutdown.', this.released),
      '# HELP acsrec_worker_jobs_in_flight Messages being worked on now.',
      '# TYPE acsrec_worker_jobs_in_flight gauge',
      `acsrec_worker_jobs_in_flight ${this.inFlight}`,
      '# HELP acsrec_worker_job_duration_seconds Time from receiving a message to its outcome.',
      '# TYPE acsrec_worker_job_duration_seconds histogram',
      ...WorkerMetrics.BUCKETS.map((bound, i) => `acsrec_worker_job_duration_seconds_bucket{le="${bound}"} ${this.#bucketCounts[i]}`),
      `acsrec_worker_job_duration_seconds_bucket{le="+Inf"} ${this.#durationCount}`,
      `acsrec_worker_job_duration_seconds_sum ${this.#durationSum}`,
      `acsrec_worker_job_duration_seconds_count ${this.#durationCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
