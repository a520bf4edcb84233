import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs`, strict, with its errors turned into usage errors (exit 2). */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function numberOption(value: string | undefined, name: string, { min, max, integer = false }: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const bad =
    value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (max !== undefined && n > max);
  if (bad) {
    const range = [min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`--${name}: expected ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${value}'`);
  }
  return n;
}

/** `--expect-video 1920x1080@8` */
export function parseExpectVideo(value: string): { width: number; height: number; frameRate: number } {
  const match = /^(\d+)x(\d+)@(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!match) throw new UsageError(`--expect-video: expected WxH@fps (e.g. 1920x1080@8), got '${value}'`);
  const [width, height, frameRate] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (width <= 0 || height <= 0 || frameRate <= 0) throw new UsageError(`--expect-video: sizes and frame rate must be positive, got '${value}'`);
  return { width, height, frameRate };
}
