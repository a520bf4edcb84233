import { ffmpegPath } from '../../src/adapters/ffmpeg/binary.ts';
import { runTool } from '../../fixtures/corpus/tools.ts';

export interface Markers {
  flashesSec: number[];
  beepsSec: number[];
  /** Presentation time of the first decoded audio sample. */
  audioStartSec: number;
  audioSamples: number;
  sampleRate: number;
}

/**
 * Finds the flash-and-beep markers by decoding, independently of the pipeline: the times of
 * near-white video frames and the onsets of loud 1 kHz bursts in the audio. Times are presentation
 * times as the decoding ffmpeg (default: the one the pipeline uses) applies the edit lists.
 */
export async function findMarkers(file: string, options: { ffmpeg?: string } = {}): Promise<Markers> {
  const ffmpeg = options.ffmpeg ?? ffmpegPath();
  const sampleRate = 16000;
  const common = ['-hide_banner', '-nostdin', '-i', file];
  // raw PCM has no timestamps: the first frame's (an empty edit makes it late) comes from ashowinfo,
  // and the samples after it are counted, as a player plays them
  const decoded = await runTool(ffmpeg, [...common, '-map', '0:a:0', '-af', 'ashowinfo', '-f', 's16le', '-ac', '1', '-ar', String(sampleRate), 'pipe:1']);
  const audio = decoded.stdout;
  const audioStartSec = Number(/pts_time:\s*(-?[\d.]+)/.exec(decoded.stderr)?.[1] ?? 0);
  const samples = audio.length / 2;
  const beepsSec: number[] = [];
  let lastLoud = -Infinity;
  for (let i = 0; i < samples; i++) {
    if (Math.abs(audio.readInt16LE(i * 2)) > 8000) {
      if (i - lastLoud > sampleRate / 4) beepsSec.push(audioStartSec + i / sampleRate);
      lastLoud = i;
    }
  }
  const { stderr } = await runTool(ffmpeg, [...common, '-map', '0:v:0', '-vf', 'scale=64:36,showinfo', '-f', 'null', '-']);
  const flashesSec: number[] = [];
  for (const match of stderr.matchAll(/pts_time:([\d.]+).*?mean:\[(\d+)/g)) {
    const [time, luma] = [Number(match[1]), Number(match[2])];
    if (luma > 200 && !flashesSec.some((t) => Math.abs(t - time) < 0.25)) flashesSec.push(time);
  }
  return { flashesSec, beepsSec, audioStartSec, audioSamples: samples, sampleRate };
}
