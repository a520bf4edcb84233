import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface EmulatorProcess {
  endpoint: string;
  connectionString: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM to node itself (not through npx's sh), resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `node bin/acsrec.js emulate ...` and reads its one stdout line. */
export async function spawnEmulator(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/acsrec.js'), 'emulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not print its line: ${stderr.slice(-1000)}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stderr.slice(-1000)}`));
    });
  });
  const info = JSON.parse(first) as { endpoint: string; connectionString: string };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    ...info,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
