import { spawn } from 'node:child_process';
import { BIN, REPO_ROOT } from './cli.ts';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * What a person sees: the bytes replayed on a screen of rows, with carriage returns, line feeds
 * and erase-line (ESC [2K, ESC [K) applied; other escape sequences are dropped.
 */
export function renderScreen(raw: string): string[] {
  const rows: string[][] = [[]];
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const row = rows[rows.length - 1]!;
    if (c === '\r') col = 0;
    else if (c === '\n') {
      rows.push([]);
      col = 0;
    } else if (c === '\x1b') {
      const match = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i));
      if (!match) continue;
      if (match[2] === 'K') {
        if (match[1] === '2') row.length = 0;
        else row.length = Math.min(row.length, col);
      }
      i += match[0].length - 1;
    } else {
      row[col] = c;
      col += 1;
    }
  }
  const lines = rows.map((r) => Array.from(r, (c) => c ?? ' ').join('').trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Runs the CLI under a real pseudo-terminal (util-linux `script`): stdout and stderr are a TTY. */
export function runInTerminal(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; raw: string; screen: string[] }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let raw = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (raw += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (raw += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, raw, screen: renderScreen(raw) });
    });
  });
}
