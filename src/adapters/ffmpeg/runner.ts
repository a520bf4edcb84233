import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { AbortedError, FfmpegError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import { ffmpegPath } from './binary.ts';

export interface FfmpegProgress {
  /** Media time written so far, in ms. */
  outTimeMs: number;
  speed: number | null;
  done: boolean;
}

export interface RunFfmpegOptions {
  args: string[];
  /** Kills the process after this long (counted from the end of `input`, when there is one). */
  timeoutMs?: number | (() => number);
  /** Writes ffmpeg's stdin (an input of `pipe:0`) and ends it; a failure kills ffmpeg and is the run's error. */
  input?: (stdin: Writable) => Promise<void>;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: FfmpegProgress) => void;
  /** Receives stdout bytes (e.g. an image pipe); otherwise stdout is drained. A returned promise pauses the pipe until it settles. */
  onStdout?: (chunk: Buffer) => void | Promise<unknown>;
  /** What the run is for, in logs and errors. */
  label?: string;
  /** How many stderr lines to keep for the result (default 400: errors need the tail only). */
  keepStderrLines?: number;
}

export interface FfmpegResult {
  stderr: string;
  durationMs: number;
}

const COMMON_ARGS = ['-hide_banner', '-nostdin', '-y'];
const STDERR_TAIL_LINES = 20;

/** Quotes an argument so that a logged command line can be pasted into a shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Parses the key=value blocks of `-progress pipe:2` style output. */
export function parseProgressLine(line: string, state: Partial<Record<string, string>>): FfmpegProgress | null {
  const eq = line.indexOf('=');
  if (eq < 0) return null;
  const key = line.slice(0, eq).trim();
  const value = line.slice(eq + 1).trim();
  state[key] = value;
  if (key !== 'progress') return null;
  const outTimeUs = Number(state.out_time_us ?? state.out_time_ms);
  const speed = Number.parseFloat(state.speed ?? '');
  return {
    outTimeMs: Number.isFinite(outTimeUs) ? Math.max(0, Math.round(outTimeUs / 1000)) : 0,
    speed: Number.isFinite(speed) ? speed : null,
    done: value === 'end',
  };
}

/** The one way this project runs ffmpeg: logged, time-limited, killed on abort, progress parsed. */
export function runFfmpeg(options: RunFfmpegOptions): Promise<FfmpegResult> {
  const { signal, logger = silentLogger, label = 'ffmpeg' } = options;
  const binary = ffmpegPath();
  const args = [...COMMON_ARGS, ...(options.onProgress ? ['-progress', 'pipe:2', '-nostats'] : []), ...options.args];
  logger.debug('running ffmpeg', { label, command: [binary, ...args].map(shellQuote).join(' ') });
  if (signal?.aborted) return Promise.reject(new AbortedError(`${label}: aborted before start`));

  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(binary, args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    const stderrLines: string[] = [];
    const keep = options.keepStderrLines ?? 400;
    const progressState: Partial<Record<string, string>> = {};
    let partial = '';
    let killedFor: 'timeout' | 'abort' | 'input' | null = null;
    let inputError: unknown = null;

    const kill = (reason: 'timeout' | 'abort' | 'input') => {
      killedFor ??= reason;
      child.kill('SIGKILL');
    };
    let timer: NodeJS.Timeout | null = null;
    const timeoutMs = () => (typeof options.timeoutMs === 'function' ? options.timeoutMs() : options.timeoutMs);
    let closed = false;
    const armTimer = () => {
      const ms = closed ? 0 : timeoutMs();
      if (ms) timer = setTimeout(() => kill('timeout'), ms);
    };
    const onAbort = () => kill('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.input) {
      // a write into a pipe ffmpeg has closed fails with EPIPE: the write's callback has it, and
      // ffmpeg's exit status says why
      child.stdin!.on('error', () => {});
      options.input(child.stdin!).then(armTimer, (error: unknown) => {
        inputError = error;
        if (child.exitCode === null && child.signalCode === null) kill('input');
      });
    } else {
      armTimer();
    }

    child.stdout.on('data', (chunk: Buffer) => {
      const busy = options.onStdout?.(chunk);
      if (!(busy instanceof Promise)) return;
      child.stdout.pause();
      const resume = () => child.stdout.resume();
      busy.then(resume, resume);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const progress = options.onProgress ? parseProgressLine(line, progressState) : null;
        if (progress) options.onProgress?.(progress);
        else if (!/^\w+=/.test(line) || !options.onProgress) {
          stderrLines.push(line);
          if (stderrLines.length > keep) stderrLines.splice(0, stderrLines.length - keep);
        }
      }
    });
    child.on('error', (error) => {
      cleanup();
      reject(new FfmpegError(`${label}: could not start ${binary}: ${error.message}`, null, ''));
    });
    child.on('close', (code) => {
      cleanup();
      const stderr = [...stderrLines, partial].join('\n');
      const tail = stderrLines.slice(-STDERR_TAIL_LINES).join('\n');
      if (killedFor === 'abort') return reject(new AbortedError(`${label}: aborted`));
      if (killedFor === 'timeout') {
        return reject(new FfmpegError(`${label}: timed out after ${timeoutMs()} ms`, code, tail));
      }
      // an input that failed because ffmpeg stopped reading (EPIPE): ffmpeg's exit status says why
      if (inputError && (code === 0 || code === null)) return reject(inputError);
      if (code !== 0) {
        const lastLine = stderrLines.filter((l) => l.trim()).at(-1) ?? '';
        return reject(new FfmpegError(`${label}: ffmpeg exited with ${code}: ${lastLine}`, code, tail));
      }
      resolve({ stderr, durationMs: Date.now() - started });
    });

    function cleanup() {
      closed = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  });
}
