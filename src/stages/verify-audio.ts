import { join } from 'node:path';
import { probeWav } from '../adapters/wav/riff.ts';
import type { VerificationCheck } from '../schemas/manifest.ts';
import type { AudioProbe } from '../types/audio.ts';
import type { ExpectedAudio } from '../types/pipeline.ts';
import { EXPECTED_CODEC } from './probe-audio.ts';

const check = (name: string, expected: unknown, actual: unknown, passed = expected === actual): VerificationCheck => ({ name, expected, actual, passed });

/** Codec, sample rate and channel count of the output against the format, `--expect-audio` and the chunks. */
export function audioOutputChecks(probe: AudioProbe, expected: { audio: ExpectedAudio; channels: number }, prefix = 'output.'): VerificationCheck[] {
  return [
    check(`${prefix}audio.codec`, EXPECTED_CODEC[probe.format], probe.codec),
    check(`${prefix}audio.sampleRate`, expected.audio.sampleRate, probe.sampleRate),
    check(`${prefix}audio.channels`, expected.channels, probe.channels),
  ];
}

/**
 * Re-reads the written WAVs' headers: the recording and every channel file must hold exactly the
 * planned number of sample frames (the chunks, plus the filler of `--fill-pauses`).
 */
export async function wavOutputChecks(options: { outDir: string; file: string; channelFiles: string[]; expectAudio: ExpectedAudio; channels: number; expectedFrames: number }): Promise<{ probe: AudioProbe; checks: VerificationCheck[] }> {
  const wav = await probeWav(join(options.outDir, options.file));
  const probe: AudioProbe = { format: 'wav', codec: wav.format.codec, sampleRate: wav.format.sampleRate, channels: wav.format.channels, durationSec: wav.durationSec, sizeBytes: wav.sizeBytes, wav };
  const checks = [
    ...audioOutputChecks(probe, { audio: options.expectAudio, channels: options.channels }),
    check('output.sampleFrames', options.expectedFrames, wav.sampleFrames),
    check('output.durationMs', Math.round((options.expectedFrames / wav.format.sampleRate) * 1000), Math.round(wav.durationSec * 1000)),
  ];
  for (const [k, file] of options.channelFiles.entries()) {
    const channel = await probeWav(join(options.outDir, file));
    checks.push(
      check(`channels[${k}].channels`, 1, channel.format.channels),
      check(`channels[${k}].sampleFrames`, options.expectedFrames, channel.sampleFrames),
    );
  }
  return { probe, checks };
}

/** An MP3 output is as long as the chunks add up to within half a frame (1152 samples per MPEG-1 frame, 576 for MPEG-2/2.5). */
export function mp3DurationCheck(options: { expectedDurationSec: number; actualDurationSec: number; samplesPerFrame: number; sampleRate: number }): VerificationCheck {
  const halfFrameSec = options.samplesPerFrame / 2 / options.sampleRate;
  const round = (s: number) => Math.round(s * 1000);
  return check('output.durationMs', round(options.expectedDurationSec), round(options.actualDurationSec), Math.abs(options.actualDurationSec - options.expectedDurationSec) <= halfFrameSec + 1e-6);
}
