/**
 * What our writer puts in recording.mp4, sample by sample, on real joins of the corpus: mp4box.js
 * and ffprobe read the same tables, and every output sample is a source sample byte for byte (audio
 * may add encoded silence and drop a later chunk's priming frames, nothing else).
 */
import { createHash } from 'node:crypto';
import { open, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_EXPECT_VIDEO, ensureCorpus, variantMissing, type CorpusRecording } from '../fixtures/corpus/make-corpus.ts';
import { VARIANTS } from '../fixtures/corpus/variants.ts';
import { runCli } from './helpers/cli.ts';
import { skipFor } from './helpers/ffmpeg-binaries.ts';
import { ffprobe, type ProbedPacket } from './helpers/ffprobe-packets.ts';

const CASES = ['x264-veryfast-bframes', 'video-timescales', 'audio-starts-late', 'fragmented', 'gstreamer-remux', 'video-longer'];
/** Priming frames a later chunk may lose at a join (one for ffmpeg's AAC encoder, two for others). */
const MAX_DROPPED_PRIMING_FRAMES = 2;

let scratch: string;
const recordings = new Map<string, CorpusRecording>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'acsrec-joined-'));
  for (const entry of await ensureCorpus({ log: () => undefined })) if ('recording' in entry) recordings.set(entry.variant.name, entry.recording);
}, 300_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** The SHA-256 of every packet of every stream, in decoding order, read at ffprobe's positions. */
async function packetHashes(file: string, packets: ProbedPacket[]): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const hashes: string[] = [];
    for (const p of packets) {
      const bytes = Buffer.alloc(p.size);
      await handle.read(bytes, 0, p.size, p.pos);
      hashes.push(createHash('sha256').update(bytes).digest('hex'));
    }
    return hashes;
  } finally {
    await handle.close();
  }
}

/** Track id -> samples as mp4box.js lists them (its own sample tables, not ours). */
async function mp4boxSamples(file: string): Promise<Map<number, { dts: number; cts: number; size: number }[]>> {
  const bytes = await readFile(file);
  const iso = createFile();
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
  iso.flush();
  const tracks = new Map<number, { dts: number; cts: number; size: number }[]>();
  for (const trak of iso.moov.traks) tracks.set(trak.tkhd.track_id, trak.samples.map((s) => ({ dts: s.dts, cts: s.cts, size: s.size })));
  return tracks;
}

const streamOf = (streams: ReturnType<typeof ffprobe>, type: string) => [...streams.values()].find((s) => s.codecType === type)!;

describe('joined recordings, sample by sample', () => {
  for (const name of CASES) {
    const variant = VARIANTS.find((v) => v.name === name)!;
    it.skipIf(skipFor(variantMissing(variant), `joined samples of ${name}`))(`${name}: mp4box.js and ffprobe agree, and every sample is a source sample`, async () => {
      const recording = recordings.get(name)!;
      const out = join(scratch, name);
      const result = await runCli(['process', recording.dir, '--out', out, '--expect-video', CORPUS_EXPECT_VIDEO]);
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const file = join(out, 'recording.mp4');

      const probed = ffprobe(file, { ignoreEditList: true });
      const boxes = await mp4boxSamples(file);
      for (const stream of probed.values()) {
        const samples = boxes.get(stream.trackId)!;
        expect(samples.length, `track ${stream.trackId} sample count`).toBe(stream.packets.length);
        stream.packets.forEach((p, j) => expect([samples[j].dts, samples[j].cts, samples[j].size], `track ${stream.trackId} sample ${j}`).toEqual([p.dts, p.pts, p.size]));
      }

      const sources = recording.chunks.map((c) => ffprobe(c.mediaFile, { ignoreEditList: true }));
      for (const type of ['video', 'audio']) {
        const output = await packetHashes(file, streamOf(probed, type).packets);
        const perChunk = await Promise.all(recording.chunks.map((c, i) => packetHashes(c.mediaFile, streamOf(sources[i], type).packets)));
        if (type === 'video') {
          expect(output, 'video: every source frame, in order, byte for byte').toEqual(perChunk.flat());
          continue;
        }
        // audio: walk the output against the chunks' frames in order; anything else must be the one silent frame
        let chunk = 0;
        let frame = 0;
        let silence: string | null = null;
        for (const [j, hash] of output.entries()) {
          if (hash === perChunk[chunk][frame]) frame++;
          else {
            const next = chunk + 1 < perChunk.length ? perChunk[chunk + 1].slice(0, MAX_DROPPED_PRIMING_FRAMES + 1).indexOf(hash) : -1;
            if (next >= 0) [chunk, frame] = [chunk + 1, next + 1];
            else {
              silence ??= hash;
              expect(hash, `audio sample ${j}: neither the next source frame nor silence`).toBe(silence);
            }
          }
        }
        expect(chunk, 'audio reached the last chunk').toBe(perChunk.length - 1);
      }
    }, 120_000);
  }
});
