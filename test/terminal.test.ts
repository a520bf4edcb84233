import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLines, runCli } from './helpers/cli.ts';
import { manyChunkRecording, SMALL_VIDEO } from './helpers/many-chunks.ts';
import { renderScreen, runInTerminal } from './helpers/terminal.ts';

const CHUNKS = 12;
let input: string;
let scratch: string;
let runs = 0;
beforeAll(async () => {
  input = await manyChunkRecording(CHUNKS);
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-terminal-'));
}, 120_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

const args = (...extra: string[]) => ['process', input, '--out', join(scratch, `out-${++runs}`), '--expect-video', SMALL_VIDEO, ...extra];
const BAR = /\[[#-]{30}\]\s+\d+%/;
const isJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

describe('renderScreen', () => {
  it('applies carriage returns, erase-line and line feeds', () => {
    expect(renderScreen('abc\r\x1b[2Kxy\r\nline two\rLI\n')).toEqual(['xy', 'LIne two']);
    expect(renderScreen('bar 10%\r\x1b[2Klog\nbar 20%')).toEqual(['log', 'bar 20%']);
  });
});

describe('on a terminal', () => {
  it(`shows the bar while working, then the summary and readable warnings; no JSON, no runtime warning (${CHUNKS} chunks)`, async () => {
    const { code, raw, screen } = await runInTerminal(args());
    expect(code, raw).toBe(0);
    expect(raw).toMatch(BAR);
    // the bar was erased: nothing that is left on the screen is a bar or has one glued to it
    expect(screen.filter((l) => BAR.test(l))).toEqual([]);
    expect(screen.filter(isJson)).toEqual([]);
    expect(screen.some((l) => l.includes('"time"'))).toBe(false);
    expect(raw).not.toMatch(/Warning|MaxListeners/);
    expect(screen[0]).toMatch(/recording\.mp4 {2}320x180@8 16000 Hz/);
    expect(screen[1]).toMatch(new RegExp(`: ${CHUNKS} chunk\\(s\\), 0 pause\\(s\\)`));
    // the metadata says 1920x1080 for 320x180 media: one warning per chunk, each a line of its own
    const warnings = screen.filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(CHUNKS);
    for (const w of warnings) expect(w).toMatch(/^warning: chunk-\d+\.json: recordingInfo says 1920x1080, the media is 320x180$/);
  }, 120_000);

  it('puts each log line above the bar, readable, never glued to it', async () => {
    const { code, raw, screen } = await runInTerminal(args(), { env: { ACSREC_LOG_LEVEL: 'info' } });
    expect(code, raw).toBe(0);
    const written = screen.find((l) => l.startsWith('report written'));
    expect(written).toMatch(/^report written \(file=\S+report\.html, sizeBytes=\d+\)$/);
    expect(screen.find((l) => l.startsWith('recording processed'))).toMatch(new RegExp(`chunks=${CHUNKS}`));
    expect(screen.filter((l) => BAR.test(l))).toEqual([]);
    expect(screen.filter(isJson)).toEqual([]);
  }, 120_000);

  it('--log-format json gives JSON lines there too, each whole', async () => {
    const { code, raw, screen } = await runInTerminal(args('--log-format', 'json'), { env: { ACSREC_LOG_LEVEL: 'info' } });
    expect(code, raw).toBe(0);
    const logs = screen.filter((l) => l.startsWith('{'));
    expect(logs.length).toBeGreaterThanOrEqual(2);
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ level: 'info' });
  }, 120_000);

  it('a failure is one line starting at the left edge', async () => {
    const { code, screen } = await runInTerminal(args('--expect-video', '320x180@16'));
    expect(code).toBe(4);
    expect(screen.filter((l) => l.includes('acsrec: '))).toEqual([expect.stringMatching(/^acsrec: .*chunk\[0\]\.video\.frameRate: expected 16, got 8/)]);
  }, 120_000);
});

describe('when stderr is not a terminal', () => {
  it('logs JSON lines, no bar, and no runtime warning', async () => {
    const result = await runCli(args(), { env: { ACSREC_LOG_LEVEL: 'info', ACSREC_LOG_FORMAT: '' } });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(isJson(line), line).toBe(true);
    expect(result.stderr).not.toMatch(BAR);
    expect(result.stderr).not.toMatch(/Warning/);
  }, 120_000);

  it('ACSREC_LOG_FORMAT=text forces readable lines', async () => {
    const result = await runCli(args(), { env: { ACSREC_LOG_LEVEL: 'info', ACSREC_LOG_FORMAT: 'text' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^report written \(file=/m);
    expect(result.stderr.split('\n').filter(isJson)).toEqual([]);
  }, 120_000);

  it.each([
    [['--log-format', 'yaml'], {}, "acsrec: --log-format: expected text or json, got 'yaml'"],
    [[], { ACSREC_LOG_FORMAT: 'pretty' }, "acsrec: ACSREC_LOG_FORMAT: expected text or json, got 'pretty'"],
  ])('a bad format %j %j is a usage error', async (extra, env, line) => {
    const result = await runCli(args(...extra), { env });
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([line]);
  });
});
