/** Pure builders of ffmpeg argument lists; the runner executes them. */
import { join } from 'node:path';
import type { TimelineSegment } from '../../types/timeline.ts';

const REPRODUCIBLE = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];

/** Quotes a path for an ffconcat `file` line. */
export function ffconcatPath(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

/** A few frames of encoded silence in the chunks' audio configuration, as ADTS. */
export function silentAacArgs(options: { sampleRate: number; channels: number; outFile: string }): string[] {
  const layout = options.channels === 1 ? 'mono' : options.channels === 2 ? 'stereo' : `${options.channels}c`;
  return [
    '-f', 'lavfi', '-i', `anullsrc=r=${options.sampleRate}:cl=${layout}`,
    '-t', (4096 / options.sampleRate).toFixed(6), '-c:a', 'aac', '-b:a', '32k', ...REPRODUCIBLE, '-f', 'adts', options.outFile,
  ];
}

const NUMBER_DIGITS = 5;

/** An image2 pattern for `<dir>/<prefix>00001<suffix>` and on: a `%` in the directory is escaped, ffmpeg reads the whole path as a pattern. */
export function numberedFilesPattern(dir: string, prefix: string, suffix: string): string {
  return `${join(dir, prefix).replaceAll('%', '%%')}%0${NUMBER_DIGITS}d${suffix.replaceAll('%', '%%')}`;
}

/** The name the pattern above gives file `n` (from 1). */
export function numberedFileName(prefix: string, n: number, suffix: string): string {
  return `${prefix}${String(n).padStart(NUMBER_DIGITS, '0')}${suffix}`;
}

/** Decodes a stream of lone keyframes (Annex B) at the thumbnail size: raw RGB frames, back to back, in `outFile`, and a JPEG of each, numbered from 1 by `jpegPattern`. */
export function keyframeThumbnailArgs(options: { inputFile: string; width: number; height: number; outFile: string; jpegPattern: string }): string[] {
  return [
    // no deblocking: 23% less decoding CPU on detailed 1080p keyframes, and shrunk six times the
    // thumbnails stay 52 dB PSNR from fully decoded ones (test/thumbnail-decode.test.ts)
    '-skip_loop_filter', 'all',
    '-f', 'h264', '-i', options.inputFile,
    // area averaging: on a 1080p frame shrunk six times it gives what bicubic gives (55 dB PSNR
    // apart) at half the cost; the bicubic scaler took longer than decoding the keyframe. Shrunk
    // in 4:2:0 (format): shrinking straight to the sprite's rgb24 scales the colour to the full
    // thumbnail size too, 13-23 ms more CPU for 60 thumbnails for a picture 53 dB PSNR apart
    // a frame a second (setpts): a raw H.264 stream has no timestamps of its own, and the JPEG
    // encoder refuses two frames at one (ffmpeg's guesses put them there in some runs)
    '-filter_complex', `[0:v]setpts=N/TB,scale=${options.width}:${options.height}:flags=area,format=yuv420p,split=2[tiles][jpegs]`,
    // raw frames for the sprite sheet, and each thumbnail's JPEG from the same decode: sharp spent
    // 1.2-1.5 ms of CPU on each small JPEG, ffmpeg's encoder 0.7 (yuvj420p: full-range, as JPEG is)
    '-map', '[tiles]', '-vsync', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', options.outFile,
    '-map', '[jpegs]', '-vsync', 'passthrough', '-pix_fmt', 'yuvj420p', '-q:v', '3', '-f', 'image2', '-start_number', '1', options.jpegPattern,
  ];
}

export type { TimelineSegment };

export interface RenderProfile {
  width: number;
  height: number;
  frameRate: number;
  sampleRate: number;
  channels: number;
}

/**
 * Re-encodes the chunks with black frames and silence in the paused spans (`--fill-pauses`).
 * Each media segment is trimmed to its exact length so nothing drifts at the joins.
 */
export function fillPausesArgs(options: { inputs: string[]; segments: TimelineSegment[]; profile: RenderProfile; outFile: string; keyframeEverySec?: number }): string[] {
  const { inputs, segments, profile } = options;
  const layout = profile.channels === 1 ? 'mono' : 'stereo';
  const filters: string[] = [];
  const labels: string[] = [];
  segments.forEach((segment, i) => {
    const d = segment.durationSec.toFixed(6);
    const samples = Math.round(segment.durationSec * profile.sampleRate);
    if (segment.kind === 'media') {
      const from = segment.fromSec.toFixed(6);
      const fromSample = Math.round(segment.fromSec * profile.sampleRate);
      filters.push(
        `[${segment.input}:v:0]trim=start=${from}:duration=${d},setpts=PTS-STARTPTS,fps=${profile.frameRate},scale=${profile.width}:${profile.height},setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=${d},trim=duration=${d}[v${i}]`,
        `[${segment.input}:a:0]aresample=${profile.sampleRate},asetpts=PTS-STARTPTS,atrim=start_sample=${fromSample}:end_sample=${fromSample + samples},asetpts=PTS-STARTPTS,apad=whole_len=${samples}[a${i}]`,
      );
    } else {
      filters.push(
        `color=c=black:s=${profile.width}x${profile.height}:r=${profile.frameRate}:d=${d},format=yuv420p,setsar=1[v${i}]`,
        `anullsrc=r=${profile.sampleRate}:cl=${layout},atrim=end_sample=${samples}[a${i}]`,
      );
    }
    labels.push(`[v${i}][a${i}]`);
  });
  filters.push(`${labels.join('')}concat=n=${segments.length}:v=1:a=1[vout][aout]`);
  return [
    ...inputs.flatMap((file) => ['-i', file]),
    '-filter_complex', filters.join(';'),
    '-map', '[vout]', '-map', '[aout]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', String(Math.round(profile.frameRate * 2)), '-bf', '0', '-threads', '2',
    // a keyframe at every thumbnail time, so thumbnails show exactly their instant
    ...(options.keyframeEverySec ? ['-force_key_frames', `expr:gte(t,n_forced*${options.keyframeEverySec})`] : []),
    '-c:a', 'aac', '-b:a', '48k', '-ar', String(profile.sampleRate), '-ac', String(profile.channels),
    ...REPRODUCIBLE,
    '-movflags', '+faststart', '-f', 'mp4', options.outFile,
  ];
}
