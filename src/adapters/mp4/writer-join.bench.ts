/**
 * A join of real chunks: writeMp4 against `ffmpeg -f concat -c copy -movflags +faststart` and
 * `cat`, cold and warm page cache, in one run (BENCH_VARIANTS: KiB x blocks, comma-separated):
 *   node --import tsx src/adapters/mp4/writer-join.bench.ts <out-dir> <runs> <chunk.mp4>...
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { joinJob } from './mp4box-jobs.ts';
import { writeMp4, type WriteMp4Options } from './writer.ts';

const [outDir, runsArg, ...chunks] = process.argv.slice(2);
if (!outDir || chunks.length === 0) throw new Error('usage: writer-join.bench.ts <out-dir> <runs> <chunk.mp4>...');
const out = join(outDir, 'join-bench-out.mp4');
const list = join(outDir, 'join-bench-list.txt');
writeFileSync(list, chunks.map((c) => `file '${resolve(c)}'\n`).join(''));
const bytes = chunks.reduce((sum, c) => sum + statSync(c).size, 0);
const { job } = joinJob(chunks, out);

const shell = (command: string) => () => {
  const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command}: ${run.stderr}`);
};
const ffmpegConcat = (ffmpeg: string) => shell(`'${ffmpeg}' -v error -y -f concat -safe 0 -i '${list}' -c copy -movflags +faststart '${out}'`);
const variants: [string, () => unknown][] = [
  ['cat', shell(`cat ${chunks.map((c) => `'${c}'`).join(' ')} > '${out}'`)],
  ['ffmpeg 5.1 concat -c copy +faststart', ffmpegConcat('/usr/bin/ffmpeg')],
  ['ffmpeg 4.1 (embedded) concat -c copy +faststart', ffmpegConcat(ffmpegPath())],
  ...(process.env.BENCH_VARIANTS ?? '256x16,1024x8').split(',').map((v): [string, () => unknown] => {
    const [kib, blocks] = v.split('x').map(Number);
    const options: WriteMp4Options = { blockBytes: kib * 1024, blocks };
    return [`writeMp4 ${kib} KiB x${blocks}`, () => writeMp4(job, options)];
  }),
];

const times = new Map<string, number[]>();
for (let run = 0; run < Number(runsArg); run++) {
  for (const cache of ['cold', 'warm']) {
    for (const [label, work] of variants) {
      rmSync(out, { force: true });
      // No writeback of an earlier run's dirty pages in the measured time.
      spawnSync('sync');
      for (const chunk of chunks) {
        if (cache === 'cold') spawnSync('dd', [`if=${chunk}`, 'iflag=nocache', 'count=0', 'status=none']);
        else spawnSync('sh', ['-c', `cat '${chunk}' > /dev/null`]);
      }
      const start = performance.now();
      await work();
      const key = `${label} | ${cache}`;
      times.set(key, [...(times.get(key) ?? []), (performance.now() - start) / 1000]);
    }
  }
}
rmSync(out, { force: true });
rmSync(list, { force: true });
console.log(`${chunks.length} chunks, ${bytes} bytes, ${runsArg} run(s) each: seconds min / median, MB/s at the median, median vs ffmpeg 5.1 of the same cache`);
for (const [key, list] of times) {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ffmpeg = median(times.get(`ffmpeg 5.1 concat -c copy +faststart | ${key.split(' | ')[1]}`)!);
  console.log(`${key.padEnd(58)} ${Math.min(...list).toFixed(3)} / ${median(list).toFixed(3)} s  ${(bytes / 1e6 / median(list)).toFixed(0).padStart(5)} MB/s  ${(median(list) / ffmpeg).toFixed(2)}x`);
}
