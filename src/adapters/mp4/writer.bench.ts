/**
 * Throughput of writeMp4 against `cat` of the same bytes, cold and warm page cache:
 *   node --import tsx src/adapters/mp4/writer.bench.ts <source> <out-dir> [runs]
 * The job is one hour of tables (8 fps video, 16 kHz AAC, interleaved per second) over the
 * source's bytes, which need not be media: the writer copies them, it does not decode them.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Mp4WriteJob, OutputTrack } from '../../types/mp4.ts';
import { writeMp4, type WriteMp4Options } from './writer.ts';

const [source, outDir, runsArg] = process.argv.slice(2);
if (!source || !outDir) throw new Error('usage: writer.bench.ts <source> <out-dir> [runs]');
const runs = Number(runsArg ?? 3);
const size = statSync(source).size;
const out = join(outDir, 'writer-bench-out.mp4');

function hourOfTables(): Mp4WriteJob {
  const seconds = 3600;
  const perSecond = { video: 8, audio: 16 };
  const sampleSize = Math.floor(size / (seconds * (perSecond.video + perSecond.audio)));
  const tables = { video: [] as number[], audio: [] as number[] };
  let at = 0;
  for (let s = 0; s < seconds; s++) {
    for (const kind of ['video', 'audio'] as const) {
      for (let i = 0; i < perSecond[kind]; i++, at += sampleSize) tables[kind].push(at);
    }
  }
  const box = (type: string, body: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 8 + body.length]), Buffer.from(type, 'latin1'), body]);
  const track = (id: number, kind: 'video' | 'audio', offsets: number[], duration: number, timescale: number): OutputTrack => ({
    id,
    kind,
    timescale,
    language: 'und',
    width: kind === 'video' ? 1920 : 0,
    height: kind === 'video' ? 1080 : 0,
    raw: { hdlr: box('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from(kind === 'video' ? 'vide' : 'soun'), Buffer.alloc(13)])), mediaHeader: null, dinf: null },
    sampleEntries: [box('zzzz', Buffer.alloc(8))],
    edits: [],
    samples: {
      count: offsets.length,
      durations: new Uint32Array(offsets.length).fill(duration),
      compositionOffsets: new Int32Array(offsets.length),
      sizes: new Uint32Array(offsets.length).fill(sampleSize),
      sync: new Uint8Array(offsets.length).map((_, i) => (kind === 'audio' || i % 16 === 0 ? 1 : 0)),
      descriptionIndex: new Uint16Array(offsets.length).fill(1),
      piece: new Uint32Array(offsets.length),
      pieceOffset: Float64Array.from(offsets),
    },
  });
  return {
    outFile: out,
    movieTimescale: 1000,
    ftyp: { majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'mp41'] },
    tracks: [track(1, 'video', tables.video, 1600, 12800), track(2, 'audio', tables.audio, 1024, 16000)],
    sources: [source],
    pieces: [{ kind: 'file', source: 0, start: 0, end: size }],
  };
}

/** Drops the file's pages from the page cache (coreutils dd: iflag=nocache count=0). */
function evict(file: string) {
  spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
}
function warm(file: string) {
  spawnSync('sh', ['-c', `cat '${file}' > /dev/null`]);
}

async function time(label: string, cache: 'cold' | 'warm', work: () => Promise<unknown> | unknown) {
  rmSync(out, { force: true });
  // No writeback of an earlier run's dirty pages in the measured time.
  spawnSync('sync');
  if (cache === 'cold') evict(source);
  else warm(source);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { label, cache, seconds, mbps: size / 1e6 / seconds, cpu: (used.user + used.system) / 1e6 };
}

const job = hourOfTables();
/** BENCH_VARIANTS: KiB x blocks in the ring, comma-separated. */
const variants = (process.env.BENCH_VARIANTS ?? '128x16,256x16,1024x8,2048x8').split(',').map((v): [string, WriteMp4Options] => {
  const [, kib, blocks] = /^(\d+)x(\d+)$/.exec(v) ?? [];
  if (!blocks) throw new Error(`BENCH_VARIANTS: ${v} is not like 256x16`);
  return [`writer ${kib} KiB x${blocks}`, { blockBytes: Number(kib) * 1024, blocks: Number(blocks) }];
});
const caches = (process.env.BENCH_CACHE ?? 'cold,warm').split(',') as ('cold' | 'warm')[];
const results: Awaited<ReturnType<typeof time>>[] = [];
for (let run = 0; run < runs; run++) {
  for (const cache of caches) {
    results.push(await time('cat', cache, () => spawnSync('sh', ['-c', `cat '${source}' > '${out}'`])));
    for (const [label, options] of variants) results.push(await time(label, cache, () => writeMp4(job, options)));
  }
}
rmSync(out, { force: true });
const rows = new Map<string, typeof results>();
for (const r of results) rows.set(`${r.label} | ${r.cache}`, [...(rows.get(`${r.label} | ${r.cache}`) ?? []), r]);
console.log(`source ${size} bytes, ${runs} run(s) each; seconds min / median; MB/s at the median; CPU s of this process (the writer's own)`);
for (const [key, list] of rows) {
  const sorted = list.map((r) => r.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpu = list.map((r) => r.cpu).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(`${key.padEnd(62)} ${sorted[0].toFixed(3)} / ${median.toFixed(3)} s  ${(size / 1e6 / median).toFixed(0).padStart(5)} MB/s  cpu ${key.startsWith('cat') ? '-' : cpu.toFixed(2)}`);
}
