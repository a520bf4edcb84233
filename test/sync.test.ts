import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src/adapters/ffmpeg/runner.ts';
import { writeRecording, type ChunkSpec } from '../fixtures/make-fixtures.ts';
import { runCli } from './helpers/cli.ts';
import { FFMPEGS_UNDER_TEST, skipFor } from './helpers/ffmpeg-binaries.ts';
import { findMarkers } from './helpers/markers.ts';

// Nine chunks (eight joins) whose lengths leave every possible remainder of AAC's 1024-sample frames.
const DURATIONS = [3.125, 2.875, 3.5, 2.625, 3.375, 3.0, 2.75, 3.25, 2.5];
const MARKERS = (d: number) => [1, d - 0.5];
const FRAME_SEC = 1 / 8;
const HALF_AAC_FRAME_SEC = 512 / 16000;

let dir: string;
let chunks: ChunkSpec[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acsrec-sync-'));
  let startMs = 0;
  chunks = DURATIONS.map((durationSec, index) => {
    const spec: ChunkSpec = {
      documentId: `doc-${index}`,
      index,
      startMs,
      durationSec,
      markersSec: MARKERS(durationSec),
      endReason: index === DURATIONS.length - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded',
      metadataName: `doc-${index}.json`,
      mediaName: `doc-${index}.mp4`,
    };
    startMs += durationSec * 1000;
    return spec;
  });
  await writeRecording(join(dir, 'in'), chunks);
}, 180_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Where the summed durations put each marker. */
function idealMarkers(): number[] {
  let offset = 0;
  return DURATIONS.flatMap((d) => {
    const markers = MARKERS(d).map((m) => offset + m);
    offset += d;
    return markers;
  });
}

// The chunks are made once (embedded ffmpeg); the pipeline joins them with each ffmpeg in turn,
// and the same ffmpeg decodes the output, as the container image would play it.
describe.each(FFMPEGS_UNDER_TEST.map((f) => [f.label, f] as const))('joins are sample-accurate with %s', (label, ffmpeg) => {
  it.skipIf(skipFor(ffmpeg.missing, `the sync test with ${label}`))('keeps every flash with its beep, where the durations say, after eight joins', async () => {
    const out = join(dir, `out-${ffmpeg.path.replaceAll('/', '_')}`);
    const result = await runCli(['process', join(dir, 'in'), '--out', out, '--json'], { env: { FFMPEG_PATH: ffmpeg.path } });
    expect(result.code, result.stderr).toBe(0);
    const { flashesSec, beepsSec } = await findMarkers(join(out, 'recording.mp4'), { ffmpeg: ffmpeg.path });
    const ideal = idealMarkers();
    expect(flashesSec).toHaveLength(ideal.length);
    expect(beepsSec).toHaveLength(ideal.length);
    flashesSec.forEach((flash, i) => {
      // picture and sound of each marker decode at the same instant (to a millisecond)
      expect(Math.abs(flash - beepsSec[i]), `marker ${i}: flash ${flash} beep ${beepsSec[i]}`).toBeLessThan(0.001);
      // and the join placed it within half an AAC frame of the summed durations, never more
      expect(Math.abs(flash - ideal[i]), `marker ${i}: at ${flash}, durations say ${ideal[i]}`).toBeLessThanOrEqual(HALF_AAC_FRAME_SEC + 0.001);
    });
    const manifest = JSON.parse(result.stdout);
    const total = DURATIONS.reduce((a, b) => a + b, 0);
    expect(Math.abs(manifest.output.durationMs / 1000 - total)).toBeLessThanOrEqual(FRAME_SEC);
  }, 180_000);
});

describe('a plain concat', () => {
  it('measures the drift a plain concat -c copy has (the check above would catch it)', async () => {
    const list = join(dir, 'plain.ffconcat');
    await writeFile(list, `ffconcat version 1.0\n${chunks.map((c) => `file '${join(dir, 'in', c.mediaName)}'`).join('\n')}\n`);
    const out = join(dir, 'plain.mp4');
    await runFfmpeg({ args: ['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', out], timeoutMs: 60_000 });
    const { flashesSec, beepsSec } = await findMarkers(out);
    const ideal = idealMarkers();
    // priming and padding pile up at every join: the sound drifts from the picture and both from
    // where the durations say; measured with the embedded ffmpeg 4.1: 140 ms and 0.7 s after 8 joins
    expect(beepsSec.at(-1)! - flashesSec.at(-1)!).toBeGreaterThan(FRAME_SEC);
    expect(beepsSec.at(-1)! - ideal.at(-1)!).toBeGreaterThan(4 * FRAME_SEC);
  }, 120_000);
});
