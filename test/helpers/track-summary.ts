import { readFile } from 'node:fs/promises';
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';

/**
 * What the golden files record of an MP4, read with mp4box.js directly (not through the
 * pipeline's probe): box order, and per track codec, size, rate, sample count, duration, edits.
 */
export async function trackSummary(file: string): Promise<unknown> {
  const bytes = await readFile(file);
  const iso = createFile();
  let movie: Movie | null = null;
  iso.onReady = (info) => (movie = info);
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
  iso.flush();
  const info = movie as unknown as Movie;
  return {
    boxes: iso.boxes.map((b) => b.type),
    durationMs: Math.round((info.duration / info.timescale) * 1000),
    tracks: info.tracks.map((t) => ({
      type: t.type,
      codec: t.codec,
      timescale: t.timescale,
      samples: t.nb_samples,
      mediaDuration: t.duration,
      edits: (t.edits ?? []).map((e) => ({ mediaTime: e.media_time, segmentDuration: e.segment_duration })),
      ...(t.video ? { width: t.video.width, height: t.video.height } : {}),
      ...(t.audio ? { sampleRate: t.audio.sample_rate } : {}),
    })),
  };
}
