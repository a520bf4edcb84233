import { probeMp4 } from '../../adapters/mp4/probe.ts';
import { UsageError } from '../../errors.ts';
import { DEFAULT_PROCESS_OPTIONS } from '../../types/pipeline.ts';
import { assertPassed, configurationChecks, reportOf } from '../../stages/verify.ts';
import { numberOption, parseCommandArgs, parseExpectVideo } from '../args.ts';

const USAGE = `Usage: acsrec verify <file.mp4> [--expect-video WxH@fps] [--expect-audio Hz] [--json]

Checks one MP4: complete boxes, H.264 video of the expected size and frame rate, AAC audio of the
expected sample rate, moov before mdat (fast start). Exit 0 when every check passes, 4 otherwise.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'expect-video': { type: 'string' }, 'expect-audio': { type: 'string' }, json: { type: 'boolean' } }, 'verify');
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`verify: expected one <file.mp4>, got ${positionals.length}`);
  const file = positionals[0];
  const expectVideo = values['expect-video'] ? parseExpectVideo(values['expect-video']) : DEFAULT_PROCESS_OPTIONS.expectVideo;
  const expectAudio = { sampleRate: numberOption(values['expect-audio'], 'expect-audio', { min: 1, integer: true }) ?? DEFAULT_PROCESS_OPTIONS.expectAudio.sampleRate };
  const probe = await probeMp4(file);
  const checks = [
    ...configurationChecks(probe, { video: expectVideo, audio: expectAudio }, ''),
    { name: 'moovBeforeMdat', expected: true, actual: probe.moovBeforeMdat, passed: probe.moovBeforeMdat },
  ];
  const report = reportOf(checks);
  const result = {
    file,
    durationMs: Math.round(probe.durationSec * 1000),
    video: probe.video && { codec: probe.video.codec, width: probe.video.width, height: probe.video.height, frameRate: probe.video.frameRate },
    audio: probe.audio && { codec: probe.audio.codec, sampleRate: probe.audio.sampleRate, channels: probe.audio.channels },
    verification: report,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else for (const c of checks) process.stdout.write(`${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}\n`);
  assertPassed(report, file);
  return 0;
}
