/**
 * The conformance corpus (fixtures/corpus, docs/corpus.md): recordings made by real tools, each
 * chunk with a flash and a beep at the same presented instants. Every variant must join with exit 0
 * into one fast-start, non-fragmented MP4 whose beeps stay on their flashes, where the chunk lengths
 * add up to; with the embedded ffmpeg and with Debian's (the container image's).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_EXPECT_VIDEO, ensureCorpus, presentedLengthSec, probeStreams, variantMissing, type CorpusEntry, type CorpusRecording } from '../fixtures/corpus/make-corpus.ts';
import { VARIANTS, type Variant } from '../fixtures/corpus/variants.ts';
import { errorLines, runCli } from './helpers/cli.ts';
import { FFMPEGS_UNDER_TEST, skipFor } from './helpers/ffmpeg-binaries.ts';
import { findMarkers } from './helpers/markers.ts';
import { topLevelBoxTypes } from './helpers/mp4-boxes.ts';

// A join places each chunk whole: its video can start anywhere (an output video timescale is far
// finer than a millisecond) and its audio on the AAC frame grid, with the chunk's own offset between
// them kept. So every variant can hold each beep within the sync test's millisecond of its flash;
// none needs the one-frame allowance a variant that cannot be better would get.
const SYNC_SEC = 0.001;
/** A join may place a chunk up to half an AAC frame (512 samples at 16 kHz) from where the lengths add up. */
const HALF_AAC_FRAME_SEC = 512 / 16000;
const AAC_FRAME_SEC = 1024 / 16000;

let scratch: string;
const recordings = new Map<string, CorpusRecording>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-corpus-'));
  const entries: CorpusEntry[] = await ensureCorpus({ log: (line) => console.log(line) });
  for (const entry of entries) if ('recording' in entry) recordings.set(entry.variant.name, entry.recording);
}, 300_000);

afterAll(() => rm(scratch, { recursive: true, force: true }));

function recordingOf(variant: Variant): CorpusRecording {
  const recording = recordings.get(variant.name);
  if (!recording) throw new Error(`${variant.name}: not made: ${variantMissing(variant)}`);
  return recording;
}

/** Where the chunk lengths put every marker of the joined recording. */
function idealMarkersSec(recording: CorpusRecording): number[] {
  let offset = 0;
  return recording.chunks.flatMap((chunk) => {
    const markers = chunk.markersSec.map((m) => offset + m);
    offset += chunk.durationSec;
    return markers;
  });
}

function expectMarkers(found: { flashesSec: number[]; beepsSec: number[] }, idealSec: number[], tolerance: { placeSec: number }, where: string): void {
  expect(found.flashesSec.length, `${where}: flashes at ${found.flashesSec}`).toBe(idealSec.length);
  expect(found.beepsSec.length, `${where}: beeps at ${found.beepsSec}`).toBe(idealSec.length);
  idealSec.forEach((ideal, i) => {
    const [flash, beep] = [found.flashesSec[i], found.beepsSec[i]];
    expect(Math.abs(beep - flash), `${where} marker ${i}: flash ${flash} beep ${beep}`).toBeLessThan(SYNC_SEC);
    expect(Math.abs(flash - ideal), `${where} marker ${i}: flash at ${flash}, lengths say ${ideal}`).toBeLessThanOrEqual(tolerance.placeSec);
    expect(Math.abs(beep - ideal), `${where} marker ${i}: beep at ${beep}, lengths say ${ideal}`).toBeLessThanOrEqual(tolerance.placeSec);
  });
}

const LAYOUT_CHECKS: Record<Variant['layout'], (boxes: string[]) => boolean> = {
  faststart: (b) => b.indexOf('moov') < b.indexOf('mdat') && !b.includes('moof'),
  'moov-after-mdat': (b) => b.indexOf('moov') > b.indexOf('mdat') && !b.includes('moof'),
  fragmented: (b) => b.includes('moof') && b.indexOf('moov') < b.indexOf('moof'),
};

describe('the corpus, checked by ffmpeg alone (a failure here is the fixture\'s, not the pipeline\'s)', () => {
  const decoders = FFMPEGS_UNDER_TEST.filter((f) => !f.missing);
  for (const variant of VARIANTS) {
    const skip = skipFor(variantMissing(variant), `corpus variant ${variant.name}`);
    it.skipIf(skip)(`${variant.name} is what it says (${variant.layout}, ffprobe) and every chunk presents its flash on its beep, decoded by ${decoders.map((d) => d.label).join(' and ')}`, async () => {
      const recording = recordingOf(variant);
      expect(recording.chunks).toHaveLength(variant.chunksSec.length);
      for (const chunk of recording.chunks) {
        const boxes = await topLevelBoxTypes(chunk.mediaFile);
        expect(LAYOUT_CHECKS[variant.layout](boxes), `${chunk.mediaFile}: boxes ${boxes.join(' ')}`).toBe(true);
        const streams = await probeStreams(chunk.mediaFile);
        const [video, audio] = ['video', 'audio'].map((type) => streams.find((s) => s.type === type)!);
        expect(variant.trait({ video, audio }, chunk.index), `${chunk.mediaFile}: ffprobe`).toBeNull();
        const metadata = JSON.parse(await readFile(chunk.mediaFile.replace(/\.mp4$/, '.json'), 'utf8'));
        expect(metadata.chunkDuration).toBe(Math.round(chunk.durationSec * 1000));
        const decoded = await Promise.all(decoders.map((decoder) => findMarkers(chunk.mediaFile, { ffmpeg: decoder.path })));
        decoded.forEach((markers, i) => expectMarkers(markers, chunk.markersSec, { placeSec: SYNC_SEC }, `${chunk.mediaFile} (${decoders[i].label})`));
      }
    });
  }
});

for (const ffmpeg of FFMPEGS_UNDER_TEST) {
  describe(`acsrec process on the corpus with ${ffmpeg.label}`, () => {
    const skipAll = skipFor(ffmpeg.missing, `the corpus with ${ffmpeg.label}`);
    for (const variant of VARIANTS) {
      const skip = skipAll || skipFor(variantMissing(variant), `${variant.name} with ${ffmpeg.label}`);
      it.skipIf(skip)(`${variant.name}: exit 0, one fast-start MP4, every beep on its flash where the chunk lengths add up`, async () => {
        const recording = recordingOf(variant);
        const out = join(scratch, `${variant.name}-${ffmpeg.path.replaceAll('/', '_')}`);
        const result = await runCli(['process', recording.dir, '--out', out, '--expect-video', CORPUS_EXPECT_VIDEO, '--json'], { env: { FFMPEG_PATH: ffmpeg.path } });
        expect(result.code, errorLines(result.stderr).join('\n') || result.stderr.slice(-2000)).toBe(0);

        const file = join(out, 'recording.mp4');
        const boxes = await topLevelBoxTypes(file);
        expect(boxes.filter((b) => b === 'moov'), boxes.join(' ')).toHaveLength(1);
        expect(boxes.indexOf('moov'), `moov before mdat: ${boxes.join(' ')}`).toBeLessThan(boxes.indexOf('mdat'));
        expect(boxes, 'not fragmented').not.toContain('moof');

        expectMarkers(await findMarkers(file, { ffmpeg: ffmpeg.path }), idealMarkersSec(recording), { placeSec: HALF_AAC_FRAME_SEC + SYNC_SEC }, `${file} (${ffmpeg.label})`);

        const totalSec = recording.chunks.reduce((sum, c) => sum + c.durationSec, 0);
        expect(Math.abs((await presentedLengthSec(file)) - totalSec), 'presented length of the output').toBeLessThanOrEqual(AAC_FRAME_SEC);
        const manifest = JSON.parse(result.stdout);
        let offsetSec = 0;
        for (const [index, chunk] of recording.chunks.entries()) {
          expect(Math.abs(manifest.chunks[index].mediaOffsetMs / 1000 - offsetSec), `chunks[${index}].mediaOffsetMs`).toBeLessThanOrEqual(HALF_AAC_FRAME_SEC + SYNC_SEC);
          offsetSec += chunk.durationSec;
        }
      }, 120_000);
    }
  });
}
