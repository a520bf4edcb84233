import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Codec, rate, channels and length in samples of one audio file, as Debian's ffprobe reads it (not the pipeline's parser). */
export async function ffprobeAudio(file: string): Promise<{ codec: string; sampleRate: number; channels: number; samples: number | null; durationMs: number }> {
  const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels,duration_ts,duration', '-of', 'json', file]);
  const stream = JSON.parse(stdout).streams[0];
  return {
    codec: stream.codec_name,
    sampleRate: Number(stream.sample_rate),
    channels: stream.channels,
    samples: stream.duration_ts === undefined ? null : Number(stream.duration_ts),
    durationMs: Math.round(Number(stream.duration) * 1000),
  };
}

/** Width and height from a PNG's IHDR. */
export async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(file);
  if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** What the golden files record of an audio output: the files and each one's stream as ffprobe sees it. */
export async function audioSummary(outDir: string, recordingFile: string): Promise<unknown> {
  const channelsDir = join(outDir, 'channels');
  const channelFiles = (await readdir(channelsDir).catch(() => [] as string[])).sort();
  return {
    files: (await readdir(outDir)).sort(),
    recording: await ffprobeAudio(join(outDir, recordingFile)),
    channels: await Promise.all(channelFiles.map(async (name) => ({ name, ...(await ffprobeAudio(join(channelsDir, name))) }))),
    waveform: await pngSize(join(outDir, 'waveform.png')),
  };
}
