/**
 * `npm run bench`: wall time and peak memory of `acsrec process` against a bare ffmpeg concat and a
 * plain byte copy of the same chunks, for a one-hour and a four-hour recording.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_ONLY (`1h` or `4h`), BENCH_CACHE (default .cache/bench).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { ffconcatPath } from '../src/adapters/ffmpeg/args.ts';
import { ffmpegPath } from '../src/adapters/ffmpeg/binary.ts';
import { runSampled, type TreeRun } from './process-tree.ts';
import { nodeStartTimes, withoutExtraCaCerts } from './node-startup.ts';
import { pairedRatios } from './paired-ratio.ts';
import { benchRecording, type BenchRecording } from './recording.ts';
import { roundOrder } from './round-order.ts';
import { stageTimes, type StageTime } from './stages.ts';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const CACHE = resolve(process.env.BENCH_CACHE ?? join(ROOT, '.cache/bench'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECORDINGS = [
  { name: '1h', chunks: 12 },
  { name: '4h', chunks: 48 },
].filter((r) => !process.env.BENCH_ONLY || r.name === process.env.BENCH_ONLY);

type Method = 'acsrec' | 'acsrec-no-extra-ca' | 'concat' | 'cat';
/** acsrec also without NODE_EXTRA_CA_CERTS when the machine sets it: what a machine without it would see. */
const METHODS: Method[] = process.env.NODE_EXTRA_CA_CERTS ? ['acsrec', 'acsrec-no-extra-ca', 'concat', 'cat'] : ['acsrec', 'concat', 'cat'];

interface Measured {
  run: TreeRun;
  stages?: StageTime[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Reads every chunk once so that each method starts from the same warm page cache. */
async function warmPageCache(recording: BenchRecording): Promise<void> {
  for (const file of recording.mediaFiles) {
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), new Writable({ write: (_c, _e, done) => done() }));
  }
}

async function measure(method: Method, recording: BenchRecording, outRoot: string): Promise<Measured> {
  const out = join(outRoot, method);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  // the previous run's gigabytes are written back before this one starts, not while it runs
  spawnSync('sync');
  try {
    if (method === 'acsrec' || method === 'acsrec-no-extra-ca') {
      const spawnedAt = Date.now();
      const env = { ...(method === 'acsrec' ? process.env : withoutExtraCaCerts(process.env)), ACSREC_LOG_LEVEL: 'debug' };
      const run = await runSampled(process.execPath, [join(ROOT, 'bin/acsrec.js'), 'process', recording.dir, '--out', join(out, 'result')], { env });
      if (run.exitCode !== 0) throw new Error(`acsrec exited with ${run.exitCode}: ${run.stderr.trim().split('\n').at(-1)}`);
      return { run, stages: stageTimes(run.stderr, spawnedAt, run.wallMs, run.children) };
    }
    if (method === 'concat') {
      const list = join(out, 'list.ffconcat');
      await writeFile(list, `${recording.mediaFiles.map((f) => `file ${ffconcatPath(f)}`).join('\n')}\n`);
      const run = await runSampled(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', join(out, 'out.mp4')]);
      if (run.exitCode !== 0) throw new Error(`ffmpeg concat exited with ${run.exitCode}: ${run.stderr.trim()}`);
      return { run };
    }
    const run = await runSampled('sh', ['-c', 'out="$1"; shift; cat "$@" > "$out"', 'sh', join(out, 'out.bin'), ...recording.mediaFiles]);
    if (run.exitCode !== 0) throw new Error(`cat exited with ${run.exitCode}: ${run.stderr.trim()}`);
    return { run };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

interface RecordingResult {
  recording: BenchRecording;
  runs: Record<Method, Measured[]>;
}

async function benchOne(recording: BenchRecording): Promise<RecordingResult> {
  const outRoot = join(CACHE, 'out');
  log(`${recording.name}: warming the page cache (reading all ${recording.chunkCount} chunks once) ...`);
  await warmPageCache(recording);
  const runs: Record<Method, Measured[]> = { acsrec: [], 'acsrec-no-extra-ca': [], concat: [], cat: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    // each round starts with another method: the first run after the page cache warm-up, or after
    // the last round, paid 0.5-3 s more system time at 4 h (acsrec, first every round, 4.66 s
    // against 3.08 s for the same code second); and each runs behind each other one alike
    for (const method of roundOrder(METHODS, round - 1)) {
      const m = await measure(method, recording, outRoot);
      runs[method].push(m);
      log(`${recording.name} round ${round}/${ROUNDS} ${method.padEnd(18)} ${sec(m.run.wallMs).padStart(9)}  cpu ${m.run.cpuSec.toFixed(2)} s (sys ${m.run.systemSec.toFixed(2)})  peak tree RSS ${mb(m.run.treePeakKb)}`);
    }
  }
  return { recording, runs };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function machine(): string {
  const [one, five] = loadavg();
  const pressure = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSyncOrEmpty('/proc/pressure/cpu'));
  const psi = pressure ? `, CPU pressure (PSI some) ${pressure[1]}% (10 s) / ${pressure[2]}% (60 s)` : '';
  return `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${one.toFixed(1)} (1 min) / ${five.toFixed(1)} (5 min)${psi}, node ${process.version}`;
}

/** node's own start-up (`node -e 0`, median), and without the extra CA file when one is set. */
function nodeStartup(): string {
  const asIs = `node -e 0 takes ${median(nodeStartTimes(process.env)).toFixed(0)} ms`;
  if (!process.env.NODE_EXTRA_CA_CERTS) return asIs;
  const without = median(nodeStartTimes(withoutExtraCaCerts(process.env)));
  return `${asIs} (${without.toFixed(0)} ms without NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}, which node reads at every start)`;
}

function readFileSyncOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function report(results: RecordingResult[], machineBefore: string): string {
  const lines: string[] = [`Machine at start: ${machineBefore}`, `Machine at end:   ${machine()}`, ''];
  const wall = (r: RecordingResult, m: Method) => median(r.runs[m].map((x) => x.run.wallMs));
  lines.push(`Wall time, median of ${ROUNDS} runs each (page cache warm: every chunk read once before timing; outputs on the same disk, deleted after each run, written back with sync before the next; the methods take turns at running first and at running behind each other)`);
  lines.push(
    table([
      ['recording', 'chunks', 'input', 'acsrec', 'ffmpeg concat', 'cat', 'acsrec/concat', 'acsrec/cat', 'concat/cat'],
      ...results.map((r) => {
        const [a, c, k] = [wall(r, 'acsrec'), wall(r, 'concat'), wall(r, 'cat')];
        return [r.recording.name, String(r.recording.chunkCount), `${(r.recording.totalBytes / 1e6).toFixed(0)} MB`, sec(a), sec(c), sec(k), `${(a / c).toFixed(2)}x`, `${(a / k).toFixed(1)}x`, `${(c / k).toFixed(1)}x`];
      }),
    ]),
  );
  if (METHODS.includes('acsrec-no-extra-ca')) {
    lines.push(`acsrec started without NODE_EXTRA_CA_CERTS (this machine sets it), in the same rounds: ${results.map((r) => `${r.recording.name} ${sec(wall(r, 'acsrec-no-extra-ca'))}, ${(wall(r, 'acsrec-no-extra-ca') / wall(r, 'concat')).toFixed(2)}x concat`).join('; ')}`);
  }
  const paired = (r: RecordingResult) => pairedRatios(r.runs.acsrec.map((x) => x.run.wallMs), r.runs.concat.map((x) => x.run.wallMs));
  const pairedText = (r: RecordingResult) => {
    const p = paired(r);
    return `${p.median.toFixed(2)}x (${p.min.toFixed(2)}-${p.max.toFixed(2)}), acsrec faster in ${p.aFaster} of ${p.rounds}`;
  };
  lines.push(`acsrec/concat round by round (the two ran in the same round; median of the rounds' ratios): ${results.map((r) => `${r.recording.name} ${pairedText(r)}`).join('; ')}`);
  lines.push('');
  lines.push('CPU time (user+sys of the whole process tree, median; sys in brackets): less sensitive than wall time to other load on the machine');
  const cpu = (r: RecordingResult, m: Method) => median(r.runs[m].map((x) => x.run.cpuSec));
  const system = (r: RecordingResult, m: Method) => median(r.runs[m].map((x) => x.run.systemSec));
  lines.push(
    table([
      ['recording', 'acsrec', 'ffmpeg concat', 'cat', 'acsrec/concat'],
      ...results.map((r) => [r.recording.name, ...(['acsrec', 'concat', 'cat'] as Method[]).map((m) => `${cpu(r, m).toFixed(2)} s (sys ${system(r, m).toFixed(2)})`), `${(cpu(r, 'acsrec') / cpu(r, 'concat')).toFixed(2)}x`]),
    ]),
  );
  lines.push('');
  lines.push('Peak resident memory (max over runs; /proc VmHWM/VmRSS sampled every 50 ms over the process tree)');
  const peak = (xs: Measured[], f: (t: TreeRun) => number) => Math.max(...xs.map((x) => f(x.run)));
  lines.push(
    table([
      ['recording', 'acsrec node', 'acsrec largest ffmpeg', 'acsrec tree (sum)', 'ffmpeg concat', 'cat'],
      ...results.map((r) => [
        r.recording.name,
        mb(peak(r.runs.acsrec, (t) => t.rootPeakKb)),
        mb(peak(r.runs.acsrec, (t) => t.childPeakKb)),
        mb(peak(r.runs.acsrec, (t) => t.treePeakKb)),
        mb(peak(r.runs.concat, (t) => t.treePeakKb)),
        mb(peak(r.runs.cat, (t) => t.treePeakKb)),
      ]),
    ]),
  );
  for (const r of results) {
    const runs = r.runs.acsrec;
    const names = runs[0].stages?.map((s) => s.name) ?? [];
    if (names.length === 0) continue;
    lines.push('');
    lines.push(`acsrec stages, ${r.recording.name} (median of ${runs.length} runs; from the debug log and the sampled ffmpeg children)`);
    lines.push(
      table([
        ['stage', 'starts at', 'takes', 'CPU'],
        ...names.map((name, i) => {
          const picks = runs.map((x) => x.stages?.find((s) => s.name === name)).filter((s): s is StageTime => !!s);
          const nested = runs[0].stages![i].nested;
          const cpu = picks.every((s) => s.cpuSec !== undefined) ? `${median(picks.map((s) => s.cpuSec!)).toFixed(2)} s` : '';
          return [`${nested ? '  - ' : ''}${name}`, sec(median(picks.map((s) => s.startMs))), sec(median(picks.map((s) => s.durationMs))), cpu];
        }),
      ]),
    );
  }
  lines.push('');
  const verdicts = results.map((r) => {
    const ratio = wall(r, 'acsrec') / wall(r, 'concat');
    const tree = peak(r.runs.acsrec, (t) => t.treePeakKb) / 1024;
    return `${r.recording.name}: acsrec/concat ${ratio.toFixed(2)}x, round by round ${paired(r).median.toFixed(2)}x (target <= 1.0x, aim 0.6x: ${ratio <= 0.6 ? 'met' : ratio <= 1 ? 'within 1.0x' : 'MISSED'}); peak tree RSS ${tree.toFixed(0)} MB (target < 200 MB: ${tree < 200 ? 'met' : 'MISSED'})`;
  });
  lines.push('Targets', ...verdicts);
  return lines.join('\n');
}

async function main(): Promise<void> {
  log(`bench cache: ${CACHE}`);
  const machineBefore = `${machine()}; ${nodeStartup()}`;
  const recordings: BenchRecording[] = [];
  for (const r of RECORDINGS) recordings.push(await benchRecording(CACHE, r.name, r.chunks, log));
  const results: RecordingResult[] = [];
  for (const recording of recordings) results.push(await benchOne(recording));
  const text = report(results, machineBefore);
  process.stdout.write(`\n${text}\n`);
  await mkdir(CACHE, { recursive: true });
  await writeFile(join(CACHE, 'last-report.txt'), `${text}\n`);
}

await main();
