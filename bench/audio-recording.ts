/**
 * `node --import tsx bench/audio-recording.ts`: a four-hour unmixed WAV recording (5 channels,
 * 16 kHz, 8 chunks of 30 minutes, 2.3 GB) through `acsrec process` against a plain
 * `ffmpeg -f concat -c copy` of the same chunks: wall time, peak RSS of each process tree, and
 * the ratio. The chunks are made once and cached under `.cache/bench/audio-v1/`.
 *
 * Environment: BENCH_ROUNDS (default 1), BENCH_CACHE (default .cache/bench).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { eventOf } from '../fixtures/make-fixtures.ts';
import { audioMetadataOf, PARTICIPANTS, type AudioChunkSpec } from '../fixtures/audio-fixtures.ts';
import { ffconcatPath } from '../src/adapters/ffmpeg/args.ts';
import { concatCopyArgs } from '../src/adapters/ffmpeg/audio-args.ts';
import { ffmpegPath } from '../src/adapters/ffmpeg/binary.ts';
import { wavHeader } from '../src/adapters/wav/header.ts';
import { runSampled, type TreeRun } from './process-tree.ts';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const CACHE = resolve(process.env.BENCH_CACHE ?? join(ROOT, '.cache/bench'), 'audio-v1');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const RATE = 16000;
const CHANNELS = 5;
const CHUNK_SEC = 1800;
const CHUNKS = 8;

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

function specs(): AudioChunkSpec[] {
  return Array.from({ length: CHUNKS }, (_, index) => {
    const documentId = `0-bench-audio-${String(index).padStart(3, '0')}`;
    return {
      documentId,
      index,
      startMs: index * CHUNK_SEC * 1000,
      durationSec: CHUNK_SEC,
      endReason: index === CHUNKS - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded',
      metadataName: `${documentId}.json`,
      mediaName: `${documentId}.wav`,
      format: 'wav',
      channels: CHANNELS,
      sampleRate: RATE,
      bursts: [],
    };
  });
}

/**
 * One minute of conversation, repeated: each channel speaks in turn for 2-5 s (a tone with a
 * syllable-rate envelope) over low noise, so the detector and the peaks do real work.
 */
function conversationMinute(): Buffer {
  const frames = 60 * RATE;
  const out = new Int16Array(frames * CHANNELS);
  let state = 7;
  for (let f = 0; f < frames; f++) {
    const second = f / RATE;
    const speaker = Math.floor(second / 6) % CHANNELS;
    const inTurn = second % 6 < 2 + ((Math.floor(second / 6) * 7) % 4);
    for (let c = 0; c < CHANNELS; c++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      let v = ((state / 0xffffffff) * 2 - 1) * 20;
      if (c === speaker && inTurn) v += 8000 * Math.abs(Math.sin(Math.PI * 4 * second)) * Math.sin((2 * Math.PI * (180 + 60 * c) * f) / RATE);
      out[f * CHANNELS + c] = Math.round(v);
    }
  }
  return Buffer.from(out.buffer);
}

async function benchRecording(): Promise<{ dir: string; files: string[]; bytes: number }> {
  const dir = join(CACHE, '4h-unmixed');
  const all = specs();
  const files = all.map((s) => join(dir, s.mediaName));
  if (!(await exists(join(dir, '.complete')))) {
    log(`writing ${CHUNKS} chunks of ${CHUNK_SEC} s, ${CHANNELS} channels (${((CHUNKS * CHUNK_SEC * RATE * CHANNELS * 2) / 1e9).toFixed(1)} GB) ...`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const minute = conversationMinute();
    for (const spec of all) {
      const partial = join(dir, `${spec.mediaName}.partial`);
      const handle = await open(partial, 'w');
      await handle.write(wavHeader({ channels: CHANNELS, sampleRate: RATE, bitsPerSample: 16 }, minute.length * (CHUNK_SEC / 60)));
      for (let m = 0; m < CHUNK_SEC / 60; m++) await handle.write(minute);
      await handle.close();
      await rename(partial, join(dir, spec.mediaName));
      const metadata = audioMetadataOf(spec, { unmixed: true }) as { participants: unknown[] };
      // five participants, channel k is participant k
      metadata.participants = Array.from({ length: CHANNELS }, (_, k) => ({ participantId: PARTICIPANTS[k] ?? `8:acs:bench-${k}`, channel: k }));
      await writeFile(join(dir, spec.metadataName), `${JSON.stringify(metadata, null, 2)}\n`);
    }
    await writeFile(join(dir, 'event.json'), `${JSON.stringify(eventOf(all.map((s) => ({ ...s, markersSec: [] }))), null, 2)}\n`);
    await writeFile(join(dir, '.complete'), '');
  }
  let bytes = 0;
  for (const file of files) bytes += (await stat(file)).size;
  return { dir, files, bytes };
}

async function warm(files: string[]): Promise<void> {
  for (const file of files) await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), new Writable({ write: (_c, _e, done) => done() }));
}

async function measure(method: 'acsrec' | 'concat', recording: { dir: string; files: string[] }, outRoot: string): Promise<TreeRun> {
  const out = join(outRoot, method);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  try {
    const run =
      method === 'acsrec'
        ? await runSampled(process.execPath, [join(ROOT, 'bin/acsrec.js'), 'process', recording.dir, '--out', join(out, 'result')])
        : await (async () => {
            const list = join(out, 'list.ffconcat');
            await writeFile(list, `ffconcat version 1.0\n${recording.files.map((f) => `file ${ffconcatPath(f)}`).join('\n')}\n`);
            return runSampled(ffmpegPath(), ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...concatCopyArgs({ listFile: list, outFile: join(out, 'recording.wav') })]);
          })();
    if (run.exitCode !== 0) throw new Error(`${method} exited with ${run.exitCode}: ${run.stderr.trim().split('\n').at(-1)}`);
    if (method === 'acsrec') log(run.stdout.trim());
    return run;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const recording = await benchRecording();
  log(`recording: ${CHUNKS} x ${CHUNK_SEC} s, ${(recording.bytes / 1e9).toFixed(2)} GB`);
  const outRoot = join(CACHE, 'out');
  const results: Record<'acsrec' | 'concat', TreeRun[]> = { acsrec: [], concat: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const method of ['concat', 'acsrec'] as const) {
      await warm(recording.files);
      const run = await measure(method, recording, outRoot);
      results[method].push(run);
      log(`${method}: ${sec(run.wallMs)}, peak RSS of the tree ${mb(run.treePeakKb)} (root ${mb(run.rootPeakKb)}), CPU ${run.cpuSec.toFixed(1)} s`);
    }
  }
  const best = (runs: TreeRun[]) => runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const [a, c] = [best(results.acsrec), best(results.concat)];
  const table = [
    '| 4 h unmixed WAV, 5 ch, 16 kHz | wall | peak RSS (tree) | CPU |',
    '| --- | --- | --- | --- |',
    `| acsrec process | ${sec(a.wallMs)} | ${mb(a.treePeakKb)} | ${a.cpuSec.toFixed(1)} s |`,
    `| ffmpeg -f concat -c copy | ${sec(c.wallMs)} | ${mb(c.treePeakKb)} | ${c.cpuSec.toFixed(1)} s |`,
    `| ratio | ${(a.wallMs / c.wallMs).toFixed(2)}x | ${(a.treePeakKb / c.treePeakKb).toFixed(2)}x | |`,
  ];
  process.stdout.write(`${table.join('\n')}\n`);
}

await main();
