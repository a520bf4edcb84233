/**
 * Per-stage times of one `acsrec process` run, from its debug log (`{"msg":"stage"}` lines and the
 * logged ffmpeg commands) and the ffmpeg children the sampler saw.
 */
import type { ChildLife } from './process-tree.ts';

export interface StageTime {
  name: string;
  startMs: number;
  durationMs: number;
  /** CPU seconds, for the ffmpeg children (as of the last 50 ms sample they were seen in). */
  cpuSec?: number;
  /** Rows that run inside (or alongside) the stage above them. */
  nested?: boolean;
}

interface LogLine {
  time: string;
  msg: string;
  stage?: string;
  label?: string;
}

function parseLog(stderr: string): LogLine[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** What each ffmpeg child of the pipeline is for, told apart by its arguments. */
function ffmpegLabel(command: string): string | null {
  if (!/ffmpeg/.test(command)) return null;
  if (command.includes('-f h264')) return 'decode thumbnails';
  if (command.includes('anullsrc')) return 'encode silence';
  if (command.includes('-filter_complex')) return 're-encode chunks';
  return 'ffmpeg';
}

export function stageTimes(stderr: string, spawnedAtEpochMs: number, wallMs: number, children: ChildLife[]): StageTime[] {
  const lines = parseLog(stderr);
  const at = (l: LogLine) => Date.parse(l.time) - spawnedAtEpochMs;
  const rows: StageTime[] = [];
  const stages = lines.filter((l) => l.msg === 'stage' && l.stage);
  if (stages.length === 0) return rows;
  rows.push({ name: 'node start-up + the bundle', startMs: 0, durationMs: at(stages[0]) });
  const done = lines.find((l) => l.msg === 'recording processed');
  const lives = children.map((c) => ({ ...c, label: ffmpegLabel(c.command) })).filter((c) => c.label);
  stages.forEach((stage, i) => {
    const start = at(stage);
    const end = i + 1 < stages.length ? at(stages[i + 1]) : done ? at(done) : wallMs;
    rows.push({ name: stage.stage!, startMs: start, durationMs: end - start });
    if (stage.stage === 'probe') {
      // the decode starts with the first probed chunk and is fed as the later ones are placed
      for (const life of lives.filter((l) => l.label === 'decode thumbnails')) {
        rows.push({ name: 'thumbnails: ffmpeg decode (alongside)', startMs: life.firstSeenMs, durationMs: life.lastSeenMs - life.firstSeenMs, cpuSec: life.cpuSec, nested: true });
      }
    }
    if (stage.stage === 'concat') {
      const writing = lines.find((l) => l.msg === 'writing the joined mp4');
      const written = lines.find((l) => l.msg === 'joined mp4 written');
      if (writing) rows.push({ name: 'probe tables -> join tables', startMs: start, durationMs: at(writing) - start, nested: true });
      if (writing && written) rows.push({ name: 'write mp4 + both hashes', startMs: at(writing), durationMs: at(written) - at(writing), nested: true });
    }
  });
  if (done) rows.push({ name: 'discard staging + exit', startMs: at(done), durationMs: wallMs - at(done) });
  return rows;
}
