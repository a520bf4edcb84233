import { syntheticChunkArgs, type SyntheticChunkSpec } from '../adapters/ffmpeg/synthetic-chunk.ts';

/**
 * The synthetic chunk arguments, tuned for the emulator's speed rather than size: x264 `ultrafast`
 * on all cores renders about twice as fast as the fixtures' `veryfast` on one (measured: 60 s of
 * 1080p8 in 7.9 s instead of 17.6 s on a loaded 2-core box), and the files stay a few hundred kB.
 */
export function emulatorRenderArgs(spec: SyntheticChunkSpec): string[] {
  const args = syntheticChunkArgs(spec);
  return args.map((arg, i) => {
    if (args[i - 1] === '-preset') return 'ultrafast';
    if (args[i - 1] === '-threads' && args[i - 2] !== '-f') return '0';
    return arg;
  });
}

export interface AudioChunkSpec {
  outFile: string;
  format: 'mp3' | 'wav';
  durationSec: number;
  sampleRate: number;
  /** One `aevalsrc` expression of `t` per channel (mp3: exactly one). */
  channelExprs: string[];
}

/** An audio-only chunk as the service writes them: MP3 (LAME, mono) or 16-bit PCM WAV, one channel per expression. */
export function emulatorAudioArgs(spec: AudioChunkSpec): string[] {
  const { outFile, format, durationSec, sampleRate, channelExprs } = spec;
  if (channelExprs.length === 0 || (format === 'mp3' && channelExprs.length !== 1)) throw new Error(`${format}: ${channelExprs.length} channels`);
  const codec = format === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '32k'] : ['-c:a', 'pcm_s16le'];
  return [
    '-f', 'lavfi', '-i', `aevalsrc='${channelExprs.join('|')}':s=${sampleRate}:d=${durationSec}`,
    ...codec, '-ac', String(channelExprs.length), '-ar', String(sampleRate),
    '-t', String(durationSec),
    '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact',
    '-f', format, outFile,
  ];
}
