/**
 * Logs on stderr, so stdout stays free for results: one JSON object a line for machines, or
 * one readable line (`warning: ...`) for a person at a terminal.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields to every line (e.g. the recording id). */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  /** Lowest level written; default `ACSREC_LOG_LEVEL`, else info. */
  level?: LogLevel;
  /** Default json. */
  format?: LogFormat;
  /** Where a finished line goes (without its newline); default stderr. */
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const PREFIX: Record<LogLevel, string> = { debug: 'debug: ', info: '', warn: 'warning: ', error: 'error: ' };

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in ORDER;
}

const plain = (value: unknown) => typeof value === 'string' && /^[^\s"=,()]+$/.test(value);

/** `warning: message (key=value, other="two words")`, always one line. */
export function textLogLine(level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const details = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${plain(value) ? value : JSON.stringify(value)}`);
  return `${PREFIX[level]}${message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`.replace(/[\r\n]+/g, ' ');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env.ACSREC_LOG_LEVEL;
  const threshold = ORDER[options.level ?? (isLogLevel(envLevel) ? envLevel : 'info')];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.fields ?? {};
  const text = options.format === 'text';
  const log = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < threshold) return;
    write(text ? textLogLine(level, message, { ...base, ...fields }) : JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
