import { UsageError } from '../errors.ts';
import { createLogger, type LogFormat, type Logger, type LogLevel, isLogLevel } from '../logger.ts';
import { stderrTerminal } from './terminal.ts';

/** `--log-format`, shared by the commands that log. */
export const LOG_OPTIONS = { 'log-format': { type: 'string' } } as const;

/** The usage line, its text starting at `column` as the other options' do. */
export function logFormatUsage(column: number): string {
  return `${'  --log-format <text|json>'.padEnd(column)}log lines for people or JSON lines (default: text on a terminal, else json) [ACSREC_LOG_FORMAT]`;
}

/** The option wins, then `ACSREC_LOG_FORMAT`; otherwise text on a terminal and JSON lines elsewhere. */
export function resolveLogFormat(option: string | undefined, env: string | undefined, isTTY: boolean): LogFormat {
  for (const [name, value] of [['--log-format', option], ['ACSREC_LOG_FORMAT', env]] as const) {
    if (value === undefined || value === '') continue;
    if (value === 'text' || value === 'json') return value;
    throw new UsageError(`${name}: expected text or json, got '${value}'`);
  }
  return isTTY ? 'text' : 'json';
}

/**
 * The logger of a command, writing through the shared stderr so lines go above the progress bar.
 * `textLevel` is the default level of the text format: `process` shows warnings and errors only,
 * its bar tells the stages; `ACSREC_LOG_LEVEL` still wins.
 */
export function commandLogger(option: string | undefined, { fields, textLevel = 'info' }: { fields?: Record<string, unknown>; textLevel?: LogLevel } = {}): Logger {
  const format = resolveLogFormat(option, process.env.ACSREC_LOG_FORMAT, stderrTerminal.isTTY);
  const level = isLogLevel(process.env.ACSREC_LOG_LEVEL) ? process.env.ACSREC_LOG_LEVEL : format === 'text' ? textLevel : 'info';
  return createLogger({ format, level, fields, write: (line) => stderrTerminal.writeLine(line) });
}
