/**
 * Every failure the pipeline knows about. Stages throw these; only entry points map them:
 * the CLI to exit codes, the worker to ack / retry / dead-letter.
 */
export type ErrorKind = 'usage' | 'invalid-input' | 'verification' | 'fetch' | 'internal';

export interface PipelineErrorOptions {
  /** The file (or URL, without query) the error is about. */
  file?: string;
  /** The field inside that file, as a dotted path. */
  field?: string;
  /** The stage that failed. */
  stage?: string;
  /** Whether trying the same job again may succeed. */
  retryable?: boolean;
  cause?: unknown;
}

/** Marks our errors so that a second copy of this module (a bundle beside a test module) knows them too. */
const BRAND = Symbol.for('acs-recording-pipeline.PipelineError');

export class PipelineError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false;
    return this === PipelineError || (value as Error).name === this.name || Function.prototype[Symbol.hasInstance].call(this, value);
  }

  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  readonly file?: string;
  readonly field?: string;
  readonly stage?: string;
  readonly retryable: boolean;

  constructor(kind: ErrorKind, message: string, options: PipelineErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.file = options.file;
    this.field = options.field;
    this.stage = options.stage;
    this.retryable = options.retryable ?? false;
  }

  /** One line for stderr: file, field and what is wrong. */
  toLine(): string {
    const where = [this.file, this.field].filter(Boolean).join(': ');
    return where ? `${where}: ${this.message}` : this.message;
  }
}

export class UsageError extends PipelineError {
  constructor(message: string, options: PipelineErrorOptions = {}) {
    super('usage', message, options);
  }
}

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

export class InvalidInputError extends PipelineError {
  readonly issues: SchemaIssue[];
  constructor(message: string, options: PipelineErrorOptions & { issues?: SchemaIssue[] } = {}) {
    super('invalid-input', message, options);
    this.issues = options.issues ?? [];
  }
}

export interface FailedCheck {
  name: string;
  expected: unknown;
  actual: unknown;
}

export class VerificationError extends PipelineError {
  readonly failedChecks: FailedCheck[];
  constructor(message: string, failedChecks: FailedCheck[], options: PipelineErrorOptions = {}) {
    super('verification', message, options);
    this.failedChecks = failedChecks;
  }
}

export class FetchError extends PipelineError {
  readonly status?: number;
  constructor(message: string, options: PipelineErrorOptions & { status?: number } = {}) {
    super('fetch', message, { retryable: true, ...options });
    this.status = options.status;
  }
}

export class FfmpegError extends PipelineError {
  readonly exitCode: number | null;
  readonly stderrTail: string;
  constructor(message: string, exitCode: number | null, stderrTail: string, options: PipelineErrorOptions = {}) {
    super('internal', message, options);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/** The job was cancelled (signal, shutdown); never a reason to dead-letter. */
export class AbortedError extends PipelineError {
  constructor(message = 'aborted', options: PipelineErrorOptions = {}) {
    super('internal', message, { retryable: true, ...options });
  }
}

export const EXIT_CODES: Record<ErrorKind, number> = {
  usage: 2,
  'invalid-input': 3,
  verification: 4,
  fetch: 5,
  internal: 1,
};

export function exitCodeOf(error: unknown): number {
  return error instanceof PipelineError ? EXIT_CODES[error.kind] : 1;
}

/** Formats a zod-style issue path as `a.b[0].c`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
