/**
 * Pure recording arithmetic: from the start/pause/resume/stop instants of one recording to the
 * chunks the service would write. Instants are emulated epoch ms; media leaves paused spans out.
 */
export type ControlAction = 'start' | 'pause' | 'resume' | 'stop';

export interface ControlEvent {
  action: ControlAction;
  /** Emulated epoch ms. */
  at: number;
}

/** A span that was recorded: wall-clock start, and its length (same in media and wall clock). */
export interface ActiveSpan {
  wallStart: number;
  mediaStart: number;
  durationMs: number;
}

export interface PauseSpan {
  wallStart: number;
  durationMs: number;
  /** Position in the recording's media where it jumps forward. */
  mediaOffset: number;
}

export interface ChunkSpec {
  index: number;
  wallStart: number;
  /** Media length, ms (a whole number of frames). */
  durationMs: number;
  mediaStart: number;
  pauses: PauseSpan[];
  /** Chunk-local seconds that get a flash+beep marker: the chunk start and every (re)start in it. */
  markersSec: number[];
  endReason: 'ChunkMaximumSizeExceeded' | 'SessionEnded';
}

export interface Timeline {
  startTime: number;
  stopTime: number;
  active: ActiveSpan[];
  pauses: PauseSpan[];
  mediaDurationMs: number;
}

/** Spans from control events; recorded spans are cut to whole frames so media and metadata agree. */
export function buildTimeline(events: readonly ControlEvent[], frameRate: number): Timeline {
  const frameMs = 1000 / frameRate;
  const start = events.find((e) => e.action === 'start');
  const stop = events.find((e) => e.action === 'stop');
  if (!start || !stop) throw new Error('a timeline needs a start and a stop');
  const active: ActiveSpan[] = [];
  const pauses: PauseSpan[] = [];
  let media = 0;
  let runningSince: number | null = null;
  let pausedSince: number | null = null;
  let paused = false;
  for (const event of events) {
    if (event.action === 'start' || event.action === 'resume') {
      if (runningSince !== null) continue;
      paused = false;
      if (pausedSince !== null) {
        pauses.push({ wallStart: pausedSince, durationMs: Math.round(event.at - pausedSince), mediaOffset: Math.round(media) });
        pausedSince = null;
      }
      runningSince = event.at;
    } else if (event.action === 'pause' || event.action === 'stop') {
      if (event.action === 'pause') paused = true;
      if (runningSince !== null) {
        const frames = Math.floor((event.at - runningSince) / frameMs + 1e-9);
        const durationMs = frames * frameMs;
        if (frames > 0) active.push({ wallStart: runningSince, mediaStart: media, durationMs });
        media += durationMs;
        // Media stops at the last whole frame; the rest of the span counts as paused.
        pausedSince = runningSince + durationMs;
        runningSince = null;
      }
      if (event.action === 'stop') {
        if (paused && pausedSince !== null && event.at > pausedSince) {
          pauses.push({ wallStart: pausedSince, durationMs: Math.round(event.at - pausedSince), mediaOffset: Math.round(media) });
        }
        break;
      }
    }
  }
  return { startTime: start.at, stopTime: stop.at, active, pauses, mediaDurationMs: Math.round(media) };
}

/** Wall-clock instant of a media position; at a pause boundary, the instant after the pause. */
function wallTimeOf(timeline: Timeline, mediaPos: number): number {
  for (const span of timeline.active) {
    if (mediaPos < span.mediaStart + span.durationMs - 1e-6) return span.wallStart + Math.max(0, mediaPos - span.mediaStart);
  }
  const last = timeline.active.at(-1);
  return last ? last.wallStart + last.durationMs : timeline.startTime;
}

/** Splits the media into chunks of at most chunkMaxMs media (whole frames). */
export function splitIntoChunks(timeline: Timeline, chunkMaxMs: number, frameRate: number): ChunkSpec[] {
  const frameMs = 1000 / frameRate;
  const maxMs = Math.max(1, Math.floor(chunkMaxMs / frameMs + 1e-9)) * frameMs;
  const total = timeline.mediaDurationMs;
  const count = Math.max(1, Math.ceil(total / maxMs - 1e-9));
  const chunks: ChunkSpec[] = [];
  for (let index = 0; index < count; index++) {
    const mediaStart = index * maxMs;
    const durationMs = Math.min(maxMs, total - mediaStart);
    chunks.push({
      index,
      wallStart: index === 0 ? timeline.startTime : wallTimeOf(timeline, mediaStart),
      durationMs: Math.round(durationMs),
      mediaStart,
      pauses: [],
      markersSec: [],
      endReason: index === count - 1 ? 'SessionEnded' : 'ChunkMaximumSizeExceeded',
    });
  }
  for (const pause of timeline.pauses) {
    const owner = [...chunks].reverse().find((c) => c.wallStart <= pause.wallStart) ?? chunks[0]!;
    owner.pauses.push(pause);
  }
  for (const chunk of chunks) {
    const local = timeline.active
      .map((span) => (span.mediaStart - chunk.mediaStart) / 1000)
      .filter((t) => t > 0 && t < chunk.durationMs / 1000 - 1 / frameRate);
    chunk.markersSec = [0, ...local].map((t) => Math.round(t * 1000) / 1000);
  }
  return chunks;
}
