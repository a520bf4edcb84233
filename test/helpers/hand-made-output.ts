/**
 * A processed-output directory made by hand, for the report tests, until `acsrec process`
 * lands: a real MP4 rendered by ffmpeg, real JPEG thumbnails cut from it, a sprite and a VTT,
 * and a manifest that passes `manifestSchema`. The call (two chunks, one pause in each):
 *
 *   wall  10:00:00 chunk 0 ... 10:00:04 pause 3 s ... 10:00:09 chunk 1 ... 10:00:12 pause 2 s ... 10:00:17
 *   media 0 s                  4 s                    6 s                  9 s                     12 s
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runFfmpeg } from '../../src/adapters/ffmpeg/runner.ts';
import { syntheticChunkArgs } from '../../src/adapters/ffmpeg/synthetic-chunk.ts';
import { manifestSchema, type Manifest } from '../../src/schemas/manifest.ts';

export const HOSTILE = {
  callId: `call-"><img src=x onerror="window.__xss=1">`,
  warning: `chunk 1: chunkDuration differs from media </script><script>window.__xss=2</script>`,
  participant: `8:acs:</li><b onclick=alert(1)>p2`,
};

export const MEDIA_DURATION_SEC = 12;
export const THUMB = { width: 160, height: 90, intervalSec: 2, columns: 3 };

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const at = (offsetMs: number) => new Date(Date.parse('2024-05-01T10:00:00.000Z') + offsetMs).toISOString();
/** Media position -> wall-clock offset for the call drawn above. */
const wallOfMedia = (ms: number) => (ms < 4000 ? ms : ms < 9000 ? ms + 3000 : ms + 5000);

export async function makeHandMadeOutput(outDir: string): Promise<Manifest> {
  const thumbsDir = join(outDir, 'thumbnails');
  await mkdir(thumbsDir, { recursive: true });
  const recording = join(outDir, 'recording.mp4');
  await runFfmpeg({ args: syntheticChunkArgs({ outFile: recording, durationSec: MEDIA_DURATION_SEC, width: 640, height: 360, markersSec: [1, 7] }), label: 'hand-made recording', timeoutMs: 60_000 });

  const thumbnails: Manifest['thumbnails'] = [];
  for (let t = 0; t < MEDIA_DURATION_SEC; t += THUMB.intervalSec) {
    const file = `thumbnails/thumb-${String(thumbnails.length).padStart(4, '0')}.jpg`;
    await runFfmpeg({ args: ['-ss', String(t), '-i', recording, '-frames:v', '1', '-vf', `scale=${THUMB.width}:${THUMB.height}`, '-q:v', '4', join(outDir, file)], label: 'thumbnail', timeoutMs: 30_000 });
    thumbnails.push({ file, mediaTimeMs: t * 1000, wallClockTime: at(wallOfMedia(t * 1000)) });
  }
  const rows = Math.ceil(thumbnails.length / THUMB.columns);
  const sprite = sharp({ create: { width: THUMB.width * THUMB.columns, height: THUMB.height * rows, channels: 3, background: '#000' } }).composite(
    thumbnails.map((t, i) => ({ input: join(outDir, t.file), left: (i % THUMB.columns) * THUMB.width, top: Math.floor(i / THUMB.columns) * THUMB.height })),
  );
  await sprite.jpeg({ quality: 80 }).toFile(join(thumbsDir, 'sprite.jpg'));
  await writeFile(join(thumbsDir, 'thumbnails.vtt'), spriteVtt(thumbnails.length));

  const mp4 = await readFile(recording);
  const manifest: Manifest = {
    schemaVersion: 1,
    callId: HOSTILE.callId,
    resourceId: null,
    recordingStartTime: at(0),
    wallClockDurationMs: 17_000,
    output: {
      file: 'recording.mp4',
      sizeBytes: mp4.length,
      sha256: sha(mp4),
      durationMs: MEDIA_DURATION_SEC * 1000,
      video: { codec: 'avc1.64001e', width: 640, height: 360, frameRate: 8 },
      audio: { codec: 'mp4a.40.2', sampleRate: 16000, channels: 1 },
    },
    chunks: [
      { index: 0, documentId: 'doc-0', startTime: at(0), durationMs: 6000, mediaOffsetMs: 0, sizeBytes: 1000, sha256: sha('chunk 0'), endReason: 'SessionEnded' },
      { index: 1, documentId: 'doc-1', startTime: at(9000), durationMs: 6000, mediaOffsetMs: 6000, sizeBytes: 1000, sha256: sha('chunk 1'), endReason: null },
    ],
    pauses: [
      { startTime: at(4000), durationMs: 3000, mediaOffsetMs: 4000 },
      { startTime: at(12_000), durationMs: 2000, mediaOffsetMs: 9000 },
    ],
    participants: [{ participantId: '8:acs:alice' }, { participantId: HOSTILE.participant }],
    thumbnails,
    verification: {
      passed: true,
      checks: [
        { name: 'video.codec', expected: 'avc1', actual: 'avc1.64001e', passed: true },
        { name: 'video.size', expected: { width: 640, height: 360 }, actual: { width: 640, height: 360 }, passed: true },
        { name: 'video.frameRate', expected: 8, actual: 8, passed: true },
        { name: 'audio.sampleRate', expected: 16000, actual: 16000, passed: true },
        { name: 'output.durationMs', expected: 12000, actual: 12000, passed: true },
      ],
    },
    warnings: [HOSTILE.warning],
  };
  const parsed = manifestSchema.parse(manifest);
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(parsed, null, 2)}\n`);
  return parsed;
}

function spriteVtt(count: number): string {
  const ts = (sec: number) => `00:00:${String(sec).padStart(2, '0')}.000`;
  const cues = Array.from({ length: count }, (_, i) => {
    const [x, y] = [(i % THUMB.columns) * THUMB.width, Math.floor(i / THUMB.columns) * THUMB.height];
    return `${ts(i * THUMB.intervalSec)} --> ${ts((i + 1) * THUMB.intervalSec)}\nsprite.jpg#xywh=${x},${y},${THUMB.width},${THUMB.height}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
