import { probeMp3 } from '../adapters/mp3/probe.ts';
import type { AudioProbe } from '../types/audio.ts';

/** An MP3 chunk measured by its frames: the length is what it decodes to once the LAME tag's delay and padding are removed. */
export async function probeMp3Audio(file: string): Promise<AudioProbe> {
  const probe = await probeMp3(file);
  return { format: 'mp3', codec: 'mp3', sampleRate: probe.sampleRate, channels: probe.channels, durationSec: probe.durationSec, sizeBytes: probe.sizeBytes, mp3: probe };
}
