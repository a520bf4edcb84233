/**
 * Runs a command and samples the resident memory of its whole process tree from /proc (Linux):
 * every ~50 ms, each process's VmRSS and VmHWM (the kernel's own peak, so short spikes between
 * samples still count for a process that is alive at some sample).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildLife {
  pid: number;
  command: string;
  /** ms after the root process started (first and last sample it was seen in). */
  firstSeenMs: number;
  lastSeenMs: number;
  peakRssKb: number;
  /** user+sys CPU seconds at the last sample. */
  cpuSec: number;
}

export interface TreeRun {
  exitCode: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Peak of the root process (VmHWM). */
  rootPeakKb: number;
  /** Largest sum of VmRSS over the tree at one sample. */
  treePeakKb: number;
  /** Largest VmHWM of any single descendant. */
  childPeakKb: number;
  children: ChildLife[];
  samples: number;
  /** user+sys CPU seconds of the whole tree (reaped children's times, from /proc/self/stat). */
  cpuSec: number;
  /** Its system part: the kernel's copies into and out of the page cache, page faults. */
  systemSec: number;
}

/** cutime and cstime of this process: user and system CPU of all reaped descendants, in clock ticks (100/s). */
function reapedChildrenTicks(): { user: number; system: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17
  return { user: Number(fields[13]), system: Number(fields[14]) };
}

const SAMPLE_EVERY_MS = 50;

const STATUS_FIELDS = { rssKb: /^VmRSS:\s+(\d+)/m, hwmKb: /^VmHWM:\s+(\d+)/m, ppid: /^PPid:\s+(\d+)/m };

function readStatus(pid: number): { rssKb: number; hwmKb: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: keyof typeof STATUS_FIELDS) => Number(STATUS_FIELDS[name].exec(text)?.[1] ?? 0);
    return { rssKb: field('rssKb'), hwmKb: field('hwmKb'), ppid: field('ppid') };
  } catch {
    return null;
  }
}

/**
 * Children from /proc/<pid>/task/<pid>/children: a spawn happens on the main thread (libuv's loop,
 * a shell), and reading a handful of files per sample keeps the sampler off the CPU the measured
 * run needs (scanning all of /proc every 50 ms took 10% of a core, which a run that fills both
 * cores pays and a one-thread ffmpeg does not).
 */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function descendants(root: number): number[] {
  const out: number[] = [];
  const stack = childrenOf(root);
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...childrenOf(pid));
  }
  return out;
}

function cpuSecOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

export function runSampled(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<TreeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ticksBefore = reapedChildrenTicks();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let rootPeakKb = 0;
    let treePeakKb = 0;
    let samples = 0;
    const lives = new Map<number, ChildLife>();
    const sample = () => {
      const pid = child.pid;
      if (!pid) return;
      const now = performance.now() - started;
      const root = readStatus(pid);
      if (!root) return;
      samples++;
      rootPeakKb = Math.max(rootPeakKb, root.hwmKb);
      let sum = root.rssKb;
      for (const d of descendants(pid)) {
        const status = readStatus(d);
        if (!status) continue;
        sum += status.rssKb;
        let life = lives.get(d);
        if (!life) {
          life = { pid: d, command: commandOf(d), firstSeenMs: now, lastSeenMs: now, peakRssKb: 0, cpuSec: 0 };
          lives.set(d, life);
        }
        if (!life.command) life.command = commandOf(d);
        life.lastSeenMs = now;
        life.peakRssKb = Math.max(life.peakRssKb, status.hwmKb);
        life.cpuSec = Math.max(life.cpuSec, cpuSecOf(d));
      }
      treePeakKb = Math.max(treePeakKb, sum);
    };
    const timer = setInterval(sample, SAMPLE_EVERY_MS);
    sample();
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const children = [...lives.values()];
      resolve({
        exitCode: code,
        wallMs: performance.now() - started,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        rootPeakKb,
        treePeakKb,
        childPeakKb: children.reduce((m, c) => Math.max(m, c.peakRssKb), 0),
        children,
        samples,
        ...((after) => ({ cpuSec: (after.user + after.system - ticksBefore.user - ticksBefore.system) / 100, systemSec: (after.system - ticksBefore.system) / 100 }))(reapedChildrenTicks()),
      });
    });
  });
}
