import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../fixtures/audio-fixtures.ts';
import { chunkMetadataSchema } from '../schemas/chunk-metadata.ts';
import type { DiscoveredChunk } from '../types/chunk.ts';
import { probeAudioChunks } from './probe-audio.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsrec-probe-audio-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function chunk(index: number, layout: { channels: number; sampleRate: number; bits?: number }, participants: unknown[], stated?: number): Promise<DiscoveredChunk> {
  const file = join(dir, `c${index}-${layout.channels}-${layout.sampleRate}.wav`);
  const bytes = wavBytes(new Int16Array(layout.channels * 1600), layout);
  if (layout.bits) bytes.writeUInt16LE(layout.bits, 34);
  await writeFile(file, bytes);
  const metadata = chunkMetadataSchema.parse({
    callId: 'c', chunkDocumentId: `d${index}`, chunkIndex: index, chunkStartTime: '2026-11-20T10:00:00Z', chunkDuration: 100,
    recordingInfo: { contentType: 'audio', channelType: 'unmixed', format: 'wav', ...(stated ? { audioConfiguration: { channels: stated } } : {}) },
    participants,
  });
  return { metadataFile: join(dir, `d${index}.json`), mediaFile: file, metadata, eventRef: null };
}

const three = [{ participantId: 'a', channel: 0 }, { participantId: 'b', channel: 1 }, { participantId: 'c', channel: 2 }];
const kind = { format: 'wav', channelType: 'unmixed' } as const;
const probe = (chunks: DiscoveredChunk[], sampleRate = 16000) => probeAudioChunks(chunks, { kind, expectAudio: { sampleRate } });

describe('probeAudioChunks', () => {
  it('passes chunks whose channels match participants[].channel and each other', async () => {
    const result = await probe([await chunk(0, { channels: 3, sampleRate: 16000 }, three), await chunk(1, { channels: 3, sampleRate: 16000 }, three)]);
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(result.checks.map((c) => c.name)).toContain('chunk[1].audio.layout');
  });

  it.each([
    { name: 'fewer channels than the participants name', chunks: async () => [await chunk(0, { channels: 2, sampleRate: 16000 }, three)], error: 'chunk[0].audio.channels: expected 3, got 2' },
    { name: 'audioConfiguration.channels wins over participants', chunks: async () => [await chunk(0, { channels: 3, sampleRate: 16000 }, three, 4)], error: 'chunk[0].audio.channels: expected 4, got 3' },
    {
      name: 'a later chunk with another layout',
      chunks: async () => [await chunk(0, { channels: 3, sampleRate: 16000 }, []), await chunk(1, { channels: 2, sampleRate: 16000 }, [])],
      error: 'chunk[1].audio.layout: expected "3 ch, 16000 Hz", got "2 ch, 16000 Hz"',
    },
    { name: 'the wrong rate', chunks: async () => [await chunk(0, { channels: 3, sampleRate: 8000 }, three)], error: 'chunk[0].audio.sampleRate: expected 16000, got 8000' },
    { name: '24-bit PCM', chunks: async () => [await chunk(0, { channels: 1, sampleRate: 16000, bits: 24 }, [])], error: 'chunk[0].audio.codec: expected "pcm_s16le", got "pcm_s24le"' },
  ])('refuses $name (exit 4)', async ({ chunks, error }) => {
    const failure = await probe(await chunks()).catch((e) => e);
    expect(failure.kind).toBe('verification');
    expect(failure.toLine()).toContain(error);
  });
});
