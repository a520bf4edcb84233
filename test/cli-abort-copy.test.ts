import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, errorLines, REPO_ROOT } from './helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cli-abort-copy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const GROWTH = 1 << 30;

/**
 * The sample recording with 1 GiB of (sparse) zeros at the end of each chunk's mdat: bytes no
 * sample names, which the join still copies and hashes, so the copy runs for seconds.
 */
function recordingWithLargeMdats(): string {
  const dir = join(scratch, 'input');
  cpSync(join(REPO_ROOT, 'fixtures/three-chunks-with-pause'), dir, { recursive: true });
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.mp4'))) {
    const file = join(dir, name);
    const bytes = readFileSync(file);
    let at = 0;
    while (at < bytes.length && bytes.toString('latin1', at + 4, at + 8) !== 'mdat') at += bytes.readUInt32BE(at);
    const size = bytes.readUInt32BE(at);
    if (at + size !== bytes.length) throw new Error(`${name}: mdat is not the last box`);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(size + GROWTH);
    const fd = openSync(file, 'r+');
    writeSync(fd, header, 0, 4, at);
    closeSync(fd);
    truncateSync(file, bytes.length + GROWTH);
  }
  return dir;
}

describe('acsrec process, stopped during the copy', () => {
  it('stops the copy threads on SIGTERM, removes its staging directory and exits 1 within a moment', async () => {
    const input = recordingWithLargeMdats();
    const parent = join(scratch, 'out-parent');
    mkdirSync(parent);
    const child = spawn(process.execPath, [BIN, 'process', input, '--out', join(parent, 'out')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ACSREC_LOG_LEVEL: 'debug', ACSREC_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killedAt = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!killedAt && stderr.includes('"writing the joined mp4"')) {
        killedAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(killedAt, stderr).toBeGreaterThan(0);
    expect(code).toBe(1);
    expect(errorLines(stderr).at(-1)).toMatch(/aborted/);
    expect(stderr).not.toContain('"joined mp4 written"');
    // three GiB to read and hash twice: the copy was cut short, not waited for
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(readdirSync(parent)).toEqual([]);
    // the inputs are untouched
    for (const name of readdirSync(input).filter((f) => f.endsWith('.mp4'))) expect(statSync(join(input, name)).size).toBeGreaterThan(GROWTH);
  });
});
