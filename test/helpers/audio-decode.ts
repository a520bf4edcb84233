import { runFfmpeg } from '../../src/adapters/ffmpeg/runner.ts';

/** Decodes any audio file to 16-bit PCM at its own rate, one Int16Array per channel. */
export async function decodeChannels(file: string, channels: number, sampleRate = 16000): Promise<Int16Array[]> {
  const parts: Buffer[] = [];
  await runFfmpeg({ args: ['-i', file, '-map', '0:a:0', '-f', 's16le', '-acodec', 'pcm_s16le', '-ac', String(channels), '-ar', String(sampleRate), 'pipe:1'], onStdout: (c) => {
      parts.push(c);
    }, timeoutMs: 120_000 });
  const all = Buffer.concat(parts);
  const frames = all.length / 2 / channels;
  const out = Array.from({ length: channels }, () => new Int16Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = all.readInt16LE((i * channels + c) * 2);
  return out;
}

/** RMS of each window of `windowMs`, as a share of full scale. */
export function windowRms(samples: Int16Array, sampleRate: number, windowMs: number): number[] {
  const size = Math.round((sampleRate * windowMs) / 1000);
  const out: number[] = [];
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += samples[i]! * samples[i]!;
    out.push(Math.sqrt(sum / size) / 32768);
  }
  return out;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

/**
 * Wall-clock spans (ms from the recording start) -> media spans, given the paused spans
 * (also wall clock): what falls in a pause is cut out, what follows moves back by its length.
 */
export function wallToMedia(spans: Interval[], pauses: Interval[]): Interval[] {
  const sorted = [...pauses].sort((a, b) => a.startMs - b.startMs);
  const toMedia = (w: number) => w - sorted.reduce((cut, p) => cut + Math.max(0, Math.min(w, p.endMs) - p.startMs), 0);
  return spans.map((s) => ({ startMs: toMedia(s.startMs), endMs: toMedia(s.endMs) })).filter((s) => s.endMs > s.startMs);
}

/** Share of windows (centres within the media) where "loud" agrees with "inside a span", skipping `marginMs` around every edge. */
export function agreement(rms: number[], windowMs: number, spans: Interval[], threshold: number, marginMs = 60): { share: number; compared: number } {
  let same = 0;
  let compared = 0;
  rms.forEach((value, i) => {
    const centre = (i + 0.5) * windowMs;
    if (spans.some((s) => Math.abs(centre - s.startMs) < marginMs || Math.abs(centre - s.endMs) < marginMs)) return;
    const inside = spans.some((s) => centre >= s.startMs && centre < s.endMs);
    compared++;
    if (inside === value > threshold) same++;
  });
  return { share: compared ? same / compared : 0, compared };
}
