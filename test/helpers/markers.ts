import { runFfmpeg } from '../../src/adapters/ffmpeg/runner.ts';

/**
 * Finds the flash-and-beep markers by decoding, independently of the pipeline: the times of
 * near-white video frames and the onsets of loud 1 kHz bursts in the audio.
 */
export async function findMarkers(file: string): Promise<{ flashesSec: number[]; beepsSec: number[]; audioSamples: number; sampleRate: number }> {
  const sampleRate = 16000;
  const pcm: Buffer[] = [];
  await runFfmpeg({ args: ['-i', file, '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', String(sampleRate), 'pipe:1'], onStdout: (c) => pcm.push(c), timeoutMs: 120_000 });
  const audio = Buffer.concat(pcm);
  const samples = audio.length / 2;
  const beepsSec: number[] = [];
  let lastLoud = -Infinity;
  for (let i = 0; i < samples; i++) {
    if (Math.abs(audio.readInt16LE(i * 2)) > 8000) {
      if (i - lastLoud > sampleRate / 4) beepsSec.push(i / sampleRate);
      lastLoud = i;
    }
  }
  const { stderr } = await runFfmpeg({ args: ['-i', file, '-map', '0:v:0', '-vf', 'scale=64:36,showinfo', '-f', 'null', '-'], timeoutMs: 120_000, keepStderrLines: 1_000_000 });
  const flashesSec: number[] = [];
  for (const match of stderr.matchAll(/pts_time:([\d.]+).*?mean:\[(\d+)/g)) {
    const [time, luma] = [Number(match[1]), Number(match[2])];
    if (luma > 200 && !flashesSec.some((t) => Math.abs(t - time) < 0.25)) flashesSec.push(time);
  }
  return { flashesSec, beepsSec, audioSamples: samples, sampleRate };
}
