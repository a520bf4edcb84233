import type { AudioProbe } from '../types/audio.ts';

/** MP3 chunks through the MP3 adapter (branch `mp3`); its module is loaded when an MP3 recording comes. */
export async function probeMp3Audio(file: string): Promise<AudioProbe> {
  const modulePath: string = '../adapters/mp3/probe.ts';
  const { probeMp3 } = await import(modulePath);
  const probe = await probeMp3(file);
  return { format: 'mp3', codec: 'mp3', sampleRate: probe.sampleRate, channels: probe.channels, durationSec: probe.durationSec, sizeBytes: probe.sizeBytes, mp3: probe };
}
