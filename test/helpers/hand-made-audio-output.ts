/**
 * An unmixed audio output directory made by hand (as CONTRACT.md "Audio recordings" describes
 * it), for the report and worker tests, independent of `acsrec process`: a 3-channel 16 kHz WAV
 * rendered by ffmpeg with a tone on each channel exactly where `SPEECH` says, its mono channel
 * files, a waveform picture, and the manifest. The call is the video hand-made one's:
 *
 *   wall  10:00:00 chunk 0 ... 10:00:04 pause 3 s ... 10:00:09 chunk 1 ... 10:00:12 pause 2 s ... 10:00:17
 *   media 0 s                  4 s                    6 s                  9 s                     12 s
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/adapters/ffmpeg/runner.ts';
import { manifestSchema } from '../../src/schemas/manifest.ts';
import { HOSTILE } from './hand-made-output.ts';

export const AUDIO_DURATION_MS = 12_000;
export const PARTICIPANTS = ['8:acs:alice', '8:acs:bob', HOSTILE.participant] as const;

/** Media-time speech per channel; channel 2's second span crosses the pause cut at 4 s, channel 1's second the one at 9 s. */
export const SPEECH: { mediaOffsetMs: number; durationMs: number }[][] = [
  [{ mediaOffsetMs: 500, durationMs: 2000 }, { mediaOffsetMs: 6500, durationMs: 1500 }],
  [{ mediaOffsetMs: 2800, durationMs: 600 }, { mediaOffsetMs: 8200, durationMs: 2300 }],
  [{ mediaOffsetMs: 1000, durationMs: 1000 }, { mediaOffsetMs: 3500, durationMs: 1000 }, { mediaOffsetMs: 10_800, durationMs: 800 }],
];
const PITCH_HZ = [150, 220, 330];

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const at = (offsetMs: number) => new Date(Date.parse('2024-05-01T10:00:00.000Z') + offsetMs).toISOString();

/** What the files are, in the manifest's words (typed loosely: the audio fields are newer than some schemas). */
export type HandMadeAudioManifest = Record<string, unknown> & {
  output: { file: string; sizeBytes: number; sha256: string; durationMs: number; video: null; audio: { codec: string; sampleRate: number; channels: number } };
  channels: { channel: number; participantId: string | null; file: string; speechMs: number; speech: { mediaOffsetMs: number; durationMs: number }[] }[];
  waveform: string;
};

const channelExpr = (k: number) => {
  const on = SPEECH[k]!.map((s) => `between(t,${s.mediaOffsetMs / 1000},${(s.mediaOffsetMs + s.durationMs) / 1000})`).join('+');
  return `(${on})*0.3*sin(2*PI*${PITCH_HZ[k]}*t)`;
};

/** `mixedMp3`: one channel, `recording.mp3`, no channel files (a mixed MP3 output). */
export async function makeHandMadeAudioOutput(outDir: string, options: { callId?: string; mixedMp3?: boolean } = {}): Promise<HandMadeAudioManifest> {
  await mkdir(options.mixedMp3 ? outDir : join(outDir, 'channels'), { recursive: true });
  const d = AUDIO_DURATION_MS / 1000;
  const recording = join(outDir, options.mixedMp3 ? 'recording.mp3' : 'recording.wav');
  const pcm = ['-c:a', 'pcm_s16le', '-ar', '16000', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact'];
  if (options.mixedMp3) {
    await runFfmpeg({ args: ['-f', 'lavfi', '-i', `aevalsrc='${[0, 1, 2].map(channelExpr).join('+')}':s=16000:d=${d}`, '-c:a', 'libmp3lame', '-b:a', '32k', '-ac', '1', recording], label: 'hand-made mp3', timeoutMs: 60_000 });
  } else {
    await runFfmpeg({ args: ['-f', 'lavfi', '-i', `aevalsrc='${[0, 1, 2].map(channelExpr).join('|')}':s=16000:d=${d}`, ...pcm, recording], label: 'hand-made audio', timeoutMs: 60_000 });
    for (const k of [0, 1, 2]) {
      await runFfmpeg({ args: ['-f', 'lavfi', '-i', `aevalsrc='${channelExpr(k)}':s=16000:d=${d}`, ...pcm, join(outDir, 'channels', `channel-${k}.wav`)], label: 'hand-made channel', timeoutMs: 60_000 });
    }
  }
  await runFfmpeg({ args: ['-i', recording, '-filter_complex', 'showwavespic=s=960x240:split_channels=1', '-frames:v', '1', join(outDir, 'waveform.png')], label: 'hand-made waveform', timeoutMs: 60_000 });

  const wav = await readFile(recording);
  const manifest: HandMadeAudioManifest = {
    schemaVersion: 1,
    callId: options.callId ?? HOSTILE.callId,
    resourceId: null,
    recordingStartTime: at(0),
    wallClockDurationMs: 17_000,
    output: {
      file: options.mixedMp3 ? 'recording.mp3' : 'recording.wav',
      sizeBytes: wav.length,
      sha256: sha(wav),
      durationMs: AUDIO_DURATION_MS,
      video: null,
      audio: options.mixedMp3 ? { codec: 'mp3', sampleRate: 16000, channels: 1 } : { codec: 'pcm_s16le', sampleRate: 16000, channels: 3 },
    },
    chunks: [
      { index: 0, documentId: 'doc-0', startTime: at(0), durationMs: 6000, mediaOffsetMs: 0, sizeBytes: 1000, sha256: sha('chunk 0'), endReason: 'ChunkMaximumSizeExceeded' },
      { index: 1, documentId: 'doc-1', startTime: at(9000), durationMs: 6000, mediaOffsetMs: 6000, sizeBytes: 1000, sha256: sha('chunk 1'), endReason: 'SessionEnded' },
    ],
    pauses: [
      { startTime: at(4000), durationMs: 3000, mediaOffsetMs: 4000 },
      { startTime: at(12_000), durationMs: 2000, mediaOffsetMs: 9000 },
    ],
    participants: PARTICIPANTS.map((participantId) => ({ participantId })),
    thumbnails: [],
    waveform: 'waveform.png',
    channels: (options.mixedMp3 ? [] : PARTICIPANTS).map((participantId, channel) => ({
      channel,
      participantId,
      file: `channels/channel-${channel}.wav`,
      speechMs: SPEECH[channel]!.reduce((sum, s) => sum + s.durationMs, 0),
      speech: SPEECH[channel]!,
    })),
    verification: {
      passed: true,
      checks: [
        { name: 'audio.codec', expected: options.mixedMp3 ? 'mp3' : 'pcm_s16le', actual: options.mixedMp3 ? 'mp3' : 'pcm_s16le', passed: true },
        { name: 'audio.sampleRate', expected: 16000, actual: 16000, passed: true },
        { name: 'audio.channels', expected: options.mixedMp3 ? 1 : 3, actual: options.mixedMp3 ? 1 : 3, passed: true },
        { name: 'output.durationMs', expected: 12000, actual: 12000, passed: true },
      ],
    },
    warnings: [HOSTILE.warning],
  };
  if (options.mixedMp3) delete (manifest as Partial<HandMadeAudioManifest>).channels;
  manifestSchema.parse(manifest);
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
