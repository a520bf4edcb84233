import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's ffmpeg and ffprobe: an encoder and a reader independent of our code. */
export const FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

const CACHE = new URL('../../.cache/mp4-variants/', import.meta.url).pathname;

function cached(name: string, make: (out: string) => void): string {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, name);
  if (existsSync(file)) return file;
  // Test files run in parallel and may make the same variant: each writes its own partial file.
  const partial = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
  make(partial);
  renameSync(partial, file);
  return file;
}

function run(command: string, args: string[]): void {
  const result = spawnSync('nice', [command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-800)}`);
}

const video = (seconds: number, fps = 25) => ['-f', 'lavfi', '-i', `testsrc=s=160x96:r=${fps}:d=${seconds}`];
const audio = (seconds: number, rate = 48000) => ['-f', 'lavfi', '-i', `sine=f=440:r=${rate}:d=${seconds}`];
const x264 = (...more: string[]) => ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '12', ...more];

/** An ffmpeg-made file; `args` go between the inputs and the output. */
export function ffmpegVariant(name: string, inputs: string[], args: string[]): string {
  return cached(name, (out) => run(FFMPEG, ['-v', 'error', '-y', ...inputs, ...args, '-f', 'mp4', out]));
}

export const variants = {
  faststart: () => ffmpegVariant('faststart.mp4', [...video(2), ...audio(2)], [...x264('-bf', '0'), '-c:a', 'aac', '-movflags', '+faststart']),
  moovAtEnd: () => ffmpegVariant('moov-at-end.mp4', [...video(2), ...audio(2)], [...x264('-bf', '0'), '-c:a', 'aac']),
  bframes: () => ffmpegVariant('bframes.mp4', [...video(2), ...audio(2, 44100)], [...x264('-preset', 'veryfast', '-profile:v', 'high'), '-c:a', 'aac']),
  timescale: (ts: number, fps: number) =>
    ffmpegVariant(`timescale-${ts}-${fps}.mp4`, [...video(2, fps), ...audio(2)], [...x264('-preset', 'veryfast', '-profile:v', 'high'), '-c:a', 'aac', '-video_track_timescale', String(ts)]),
  audioLate: () => ffmpegVariant('audio-late.mp4', [...video(2), '-itsoffset', '0.25', ...audio(1.75)], [...x264('-bf', '0'), '-c:a', 'aac']),
  unequal: () => ffmpegVariant('unequal.mp4', [...video(2), ...audio(2.45)], [...x264('-bf', '0'), '-c:a', 'aac']),
  hevc: () => ffmpegVariant('hevc.mp4', [...video(1), ...audio(1)], ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-c:a', 'aac']),
  fragmented: () =>
    ffmpegVariant('fragmented.mp4', [...video(2), ...audio(2)], [...x264('-preset', 'veryfast', '-profile:v', 'high'), '-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov+default_base_moof']),
  fragmentedBaseOffset: () =>
    ffmpegVariant('fragmented-base-offset.mp4', [...video(2), ...audio(2)], [...x264('-bf', '0'), '-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov']),
  /** Samples in the moov and then in fragments. */
  fragmentedWithMoovSamples: () => ffmpegVariant('fragmented-moov-samples.mp4', [...video(2), ...audio(2)], [...x264('-bf', '0'), '-c:a', 'aac', '-movflags', 'frag_keyframe']),
  /** x264enc (B-frames by default) and avenc_aac into GStreamer's muxer; `fragmentMs` makes it fragmented. */
  gstreamer: (muxer: 'mp4mux' | 'qtmux', fragmentMs = 0) =>
    cached(`gst-${muxer}${fragmentMs ? `-fragments-${fragmentMs}` : ''}.mp4`, (out) =>
      run('gst-launch-1.0', [
        '-q',
        ...`videotestsrc num-buffers=50 ! video/x-raw,width=160,height=96,framerate=25/1 ! x264enc key-int-max=12 ! ${muxer} fragment-duration=${fragmentMs} name=mux ! filesink location=${out}`.split(' '),
        ...'audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=1 ! audioconvert ! avenc_aac ! aacparse ! mux.'.split(' '),
      ]),
    ),
};
