import type { Mp4Probe } from '../types/probe.ts';
import { VerificationError } from '../errors.ts';
import type { VerificationCheck, VerificationReport } from '../schemas/manifest.ts';
import type { ExpectedAudio, ExpectedVideo } from '../types/pipeline.ts';

const FRAME_RATE_TOLERANCE = 0.01;

function check(name: string, expected: unknown, actual: unknown, passed: boolean): VerificationCheck {
  return { name, expected, actual, passed };
}

/** The checks one MP4 must pass: the tracks, codecs and configuration the user asked for. */
export function configurationChecks(probe: Mp4Probe, expected: { video: ExpectedVideo; audio: ExpectedAudio }, prefix: string): VerificationCheck[] {
  const { video, audio } = probe;
  const checks = [
    check(`${prefix}video.present`, true, video !== null, video !== null),
    check(`${prefix}audio.present`, true, audio !== null, audio !== null),
  ];
  if (video) {
    checks.push(
      check(`${prefix}video.codec`, 'avc1 (H.264)', video.codec, /^(avc[13]|hvc1|hev1)/.test(video.codec)),
      check(`${prefix}video.size`, `${expected.video.width}x${expected.video.height}`, `${video.width}x${video.height}`, video.width === expected.video.width && video.height === expected.video.height),
      check(`${prefix}video.frameRate`, expected.video.frameRate, video.frameRate, Math.abs(video.frameRate - expected.video.frameRate) <= expected.video.frameRate * FRAME_RATE_TOLERANCE),
    );
  }
  if (audio) {
    checks.push(
      check(`${prefix}audio.codec`, 'mp4a.40 (AAC)', audio.codec, audio.codec.startsWith('mp4a.40')),
      check(`${prefix}audio.sampleRate`, expected.audio.sampleRate, audio.sampleRate, audio.sampleRate === expected.audio.sampleRate),
    );
  }
  return checks;
}

/** Checks that only a finished output has: the layout a player needs and the length the chunks add up to. */
export function outputChecks(probe: Mp4Probe, options: { expectedDurationSec: number; frameRate: number }): VerificationCheck[] {
  const frameSec = 1 / options.frameRate;
  const videoSec = probe.video?.durationSec ?? 0;
  const audioSec = probe.audio?.durationSec ?? 0;
  const round = (s: number) => Math.round(s * 1000);
  return [
    check('output.moovBeforeMdat', true, probe.moovBeforeMdat, probe.moovBeforeMdat),
    check('output.durationMs', round(options.expectedDurationSec), round(probe.durationSec), Math.abs(probe.durationSec - options.expectedDurationSec) <= frameSec + 1e-3),
    check('output.audioVideoLengthDifferenceMs', `<= ${round(frameSec)}`, round(Math.abs(videoSec - audioSec)), Math.abs(videoSec - audioSec) <= frameSec + 1e-3),
  ];
}

export function reportOf(checks: VerificationCheck[]): VerificationReport {
  return { passed: checks.every((c) => c.passed), checks };
}

/** Throws when a report has failed checks; the message names the file and the first failure. */
export function assertPassed(report: VerificationReport, file: string): void {
  const failed = report.checks.filter((c) => !c.passed);
  if (failed.length === 0) return;
  const first = failed[0];
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  throw new VerificationError(
    `${first.name}: expected ${JSON.stringify(first.expected)}, got ${JSON.stringify(first.actual)}${more}`,
    failed.map(({ name, expected, actual }) => ({ name, expected, actual })),
    { file, field: first.name },
  );
}
