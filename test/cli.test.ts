import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../src/adapters/ffmpeg/binary.ts';
import { manifestSchema } from '../src/schemas/manifest.ts';
import { errorLines, REPO_ROOT, runCli } from './helpers/cli.ts';
import { findMarkers } from './helpers/markers.ts';
import { writeRecording } from '../fixtures/make-fixtures.ts';

const SAMPLE = join(REPO_ROOT, 'fixtures', 'three-chunks-with-pause');
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-cli-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** An ffmpeg that takes its time, so a signal lands while a stage is running. */
async function slowFfmpeg(): Promise<string> {
  const script = join(scratch, 'slow-ffmpeg.sh');
  await writeFile(script, `#!/bin/sh\nsleep 3\nexec '${ffmpegPath()}' "$@"\n`);
  await chmod(script, 0o755);
  return script;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('acsrec process', () => {
  it('prints the manifest with --json, logs only on stderr, and the manifest passes its schema', async () => {
    const out = join(scratch, 'json');
    const result = await runCli(['process', SAMPLE, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(manifestSchema.safeParse(printed).success).toBe(true);
    expect(printed).toEqual(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    // the contract's layout: recording, manifest, thumbnails with a sprite and a WebVTT track
    expect((await readdir(join(out, 'thumbnails'))).sort()).toEqual(['sprite.jpg', 'thumb-00001.jpg', 'thumbnails.vtt']);
    expect(await readFile(join(out, 'thumbnails', 'thumbnails.vtt'), 'utf8')).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:15\.500\nsprite\.jpg#xywh=0,0,320,180\n/);
    // no staging directory is left beside the output
    expect((await readdir(scratch)).filter((n) => n.includes('acsrec-'))).toEqual([]);
  });

  it('refuses an output that holds a manifest (exit 2) and replaces it with --force', async () => {
    const out = join(scratch, 'force');
    expect((await runCli(['process', SAMPLE, '--out', out])).code).toBe(0);
    const before = await readFile(join(out, 'manifest.json'), 'utf8');
    const refused = await runCli(['process', SAMPLE, '--out', out, '--thumbnail-interval', '3']);
    expect(refused.code).toBe(2);
    expect(errorLines(refused.stderr)[0]).toMatch(/force: the output directory already holds a manifest\.json \(use --force/);
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before);
    const forced = await runCli(['process', SAMPLE, '--out', out, '--thumbnail-interval', '3', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const after = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(after.thumbnails).toHaveLength(6);
  });

  it("reports the chunks' error before the finished output's, and leaves no staging beside it", async () => {
    const out = join(scratch, 'precedence');
    expect((await runCli(['process', SAMPLE, '--out', out])).code).toBe(0);
    const failed = await runCli(['process', SAMPLE, '--out', out, '--expect-audio', '48000']);
    expect(failed.code, failed.stderr).toBe(4);
    expect(errorLines(failed.stderr)[0]).toMatch(/48000/);
    expect((await readdir(scratch)).filter((name) => name.startsWith('.precedence.'))).toEqual([]);
  });

  it('keeps the old output intact when a --force run fails', async () => {
    const out = join(scratch, 'force-fail');
    expect((await runCli(['process', SAMPLE, '--out', out])).code).toBe(0);
    const before = await readFile(join(out, 'recording.mp4'));
    const failed = await runCli(['process', SAMPLE, '--out', out, '--force', '--expect-audio', '48000']);
    expect(failed.code).toBe(4);
    expect(await readFile(join(out, 'recording.mp4'))).toEqual(before);
    expect(await exists(join(out, 'manifest.json'))).toBe(true);
  });

  it('leaves no manifest and no recording when killed mid-run', async () => {
    const slow = await slowFfmpeg();
    const out = join(scratch, 'killed');
    let pid = 0;
    const running = runCli(['process', SAMPLE, '--out', out], { env: { FFMPEG_PATH: slow }, onSpawn: (p) => (pid = p) });
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(pid, 'SIGKILL');
    const result = await running;
    expect(result.signal).toBe('SIGKILL');
    expect(await exists(join(out, 'manifest.json'))).toBe(false);
    expect(await exists(join(out, 'recording.mp4'))).toBe(false);
  });

  it('stops on SIGTERM, removes its staging directory and exits 1', async () => {
    const slow = await slowFfmpeg();
    const parent = join(scratch, 'term');
    await mkdir(parent);
    let pid = 0;
    const running = runCli(['process', SAMPLE, '--out', join(parent, 'out')], { env: { FFMPEG_PATH: slow }, onSpawn: (p) => (pid = p) });
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(pid, 'SIGTERM');
    const result = await running;
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr).at(-1)).toMatch(/aborted/);
    expect(await readdir(parent)).toEqual([]);
  });

  it('fills pauses: every marker at its wall-clock time, the pause black and silent', async () => {
    const out = join(scratch, 'filled');
    const result = await runCli(['process', SAMPLE, '--out', out, '--fill-pauses', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { flashesSec, beepsSec } = await findMarkers(join(out, 'recording.mp4'));
    // the fixture's markers: chunk 0 at 1 s and (after its 4 s pause) 5 s of media; chunk 1 starts
    // 10.125 s after the call, chunk 2 15.125 s; markers 1 s and 4 s / 1 s and 3 s into them
    const wallClock = [1, 5 + 4, 10.125 + 1, 10.125 + 4, 15.125 + 1, 15.125 + 3];
    expect(flashesSec).toHaveLength(wallClock.length);
    wallClock.forEach((t, i) => {
      expect(Math.abs(flashesSec[i] - t)).toBeLessThan(0.002);
      expect(Math.abs(beepsSec[i] - t)).toBeLessThan(0.002);
    });
    const manifest = JSON.parse(result.stdout);
    expect(manifest.chunks.map((c: { mediaOffsetMs: number }) => c.mediaOffsetMs)).toEqual([0, 10125, 15125]);
    expect(manifest.pauses).toEqual([{ startTime: '2026-11-20T09:30:03.000Z', durationMs: 4000, mediaOffsetMs: 3000 }]);
  });

  it.each([
    [['process'], 2, /expected one <input>/],
    [['process', SAMPLE], 2, /--out <dir> is required/],
    [['process', '/nonexistent/dir', '--out', '/tmp/x'], 2, /\/nonexistent\/dir: input does not exist/],
    [['process', SAMPLE, '--out', '/tmp/x', '--thumbnail-width', 'wide'], 2, /--thumbnail-width: expected an integer/],
    [['process', SAMPLE, '--out', '/tmp/x', '--bogus'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['constructor'], 2, /unknown command 'constructor'/],
  ])('usage error %j -> exit %d', async (args, code, message) => {
    const result = await runCli(args as string[]);
    expect(result.code).toBe(code);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(errorLines(result.stderr)[0]).toMatch(message);
  });

  it('takes an input directory with non-JSON files and JSON that is not metadata', async () => {
    const input = join(scratch, 'extra-files');
    await cp(SAMPLE, input, { recursive: true });
    await writeFile(join(input, 'notes.json'), JSON.stringify({ comment: 'not chunk metadata' }));
    await writeFile(join(input, 'README.txt'), 'hello');
    const result = await runCli(['process', input, '--out', join(scratch, 'extra-out')]);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('chunks that cannot share one stream-copied track', () => {
  it('are re-encoded, stay in sync, and the manifest says so', async () => {
    const input = join(scratch, 'mixed-params');
    const base = { endReason: 'ChunkMaximumSizeExceeded', markersSec: [1] };
    await writeRecording(input, [
      { ...base, documentId: 'm0', index: 0, startMs: 0, durationSec: 2.5, metadataName: 'm0.json', mediaName: 'm0.mp4' },
      // another encoder setting: other H.264 parameter sets, which one avcC cannot describe
      { ...base, documentId: 'm1', index: 1, startMs: 2500, durationSec: 2.125, metadataName: 'm1.json', mediaName: 'm1.mp4', crf: 20 },
    ]);
    const result = await runCli(['process', input, '--out', join(scratch, 'mixed-out'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.warnings).toContain('chunk 1 has other H.264 parameter sets: the chunks were re-encoded, not stream-copied');
    const { flashesSec, beepsSec } = await findMarkers(join(scratch, 'mixed-out', 'recording.mp4'));
    expect(flashesSec).toEqual([1, 3.5]);
    beepsSec.forEach((beep, i) => expect(Math.abs(beep - flashesSec[i])).toBeLessThan(0.002));
    expect(manifest.output.durationMs).toBe(4625);
  });
});

describe('acsrec verify', () => {
  it('passes a processed recording and fails a wrong expectation with exit 4', async () => {
    const out = join(scratch, 'verify');
    expect((await runCli(['process', SAMPLE, '--out', out])).code).toBe(0);
    const ok = await runCli(['verify', join(out, 'recording.mp4'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).verification.passed).toBe(true);
    const wrong = await runCli(['verify', join(out, 'recording.mp4'), '--expect-video', '1280x720@8']);
    expect(wrong.code).toBe(4);
    expect(errorLines(wrong.stderr)[0]).toMatch(/recording\.mp4: video\.size: video\.size: expected "1280x720", got "1920x1080"/);
  });

  it('refuses a file that is not an MP4 with exit 3', async () => {
    const file = join(scratch, 'page.mp4');
    await writeFile(file, '<!doctype html><title>502</title>');
    const result = await runCli(['verify', file]);
    expect(result.code).toBe(3);
    expect(errorLines(result.stderr)[0]).toMatch(/page\.mp4: not a complete MP4/);
  });
});
