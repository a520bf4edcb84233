/**
 * `node --import tsx bench/mp4-model.ts`: how long readMp4Model and probeMp4 take on the tables of a
 * four-hour chunk (230k video samples with B-frames, 225k AAC frames), payload left out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMp4Model } from '../src/adapters/mp4/model.ts';
import { probeMp4 } from '../src/adapters/mp4/probe.ts';
import { bigMoovFile } from '../test/helpers/big-moov.ts';
import { variants } from '../test/helpers/mp4-variants.ts';

const source = await readMp4Model(variants.faststart());
const ftyp = readFileSync(source.file).subarray(0, source.boxes[0].size);
const [video, audio] = [source.tracks.find((t) => t.kind === 'video')!, source.tracks.find((t) => t.kind === 'audio')!];
const bytes = bigMoovFile(
  [
    { raw: video.raw, count: 230_400, duration: 512, perChunk: 16, bframes: true, gop: 48 },
    { raw: audio.raw, count: 225_000, duration: 1024, perChunk: 47, bframes: false, gop: 0 },
  ],
  ftyp,
);
const dir = mkdtempSync(join(tmpdir(), 'mp4-bench-'));
const file = join(dir, 'four-hours.mp4');
writeFileSync(file, bytes);
try {
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    const model = await readMp4Model(file);
    const modelMs = performance.now() - start;
    start = performance.now();
    const probe = await probeMp4(file);
    const probeMs = performance.now() - start;
    console.log(
      `moov ${(model.boxes.at(-1)!.size / 1e6).toFixed(1)} MB, ${model.tracks.map((t) => t.samples.count).join(' + ')} samples: readMp4Model ${modelMs.toFixed(0)} ms, probeMp4 ${probeMs.toFixed(0)} ms, ${probe.video!.syncSamples.length} keyframes, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
