import type { Mp4Probe } from '../types/probe.ts';
import { VerificationError } from '../errors.ts';
import type { VerificationCheck, VerificationReport } from '../schemas/manifest.ts';
import type { ExpectedAudio, ExpectedOutput, ExpectedVideo } from '../types/pipeline.ts';

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

/**
 * Checks that only a finished output has: the layout a player needs, and each track against what
 * the inputs add up to (sample for sample after a stream copy; by length after a re-encode).
 */
export function outputChecks(probe: Mp4Probe, expected: ExpectedOutput): VerificationCheck[] {
  const ms = (s: number) => Math.round(s * 1000);
  const within = (actual: number, wanted: number, tolerance: number) => Math.abs(actual - wanted) <= tolerance;
  const checks = [
    check('output.moovBeforeMdat', true, probe.moovBeforeMdat, probe.moovBeforeMdat),
    check('output.fragmented', false, probe.fragmented, !probe.fragmented),
    check('output.durationMs', ms(expected.durationSec), ms(probe.durationSec), within(probe.durationSec, expected.durationSec, expected.toleranceSec)),
  ];
  const { video, audio } = probe;
  if (expected.tracks && video && audio) {
    // our own tables: what was planned is what must be there, to a millisecond
    const exact = 1e-3 + 1e-6;
    const { video: v, audio: a } = expected.tracks;
    checks.push(
      check('output.video.sampleCount', v.sampleCount, video.sampleCount, video.sampleCount === v.sampleCount),
      check('output.video.durationMs', ms(v.durationSec), ms(video.durationSec), within(video.durationSec, v.durationSec, exact)),
      check('output.audio.sampleCount', a.sampleCount, audio.sampleCount, audio.sampleCount === a.sampleCount),
      check('output.audio.durationMs', ms(a.durationSec), ms(audio.durationSec), within(audio.durationSec, a.durationSec, exact)),
    );
  } else {
    const endDifference = Math.abs((video?.startSec ?? 0) + (video?.durationSec ?? 0) - (audio?.startSec ?? 0) - (audio?.durationSec ?? 0));
    checks.push(check('output.audioVideoEndDifferenceMs', `<= ${ms(expected.toleranceSec)}`, ms(endDifference), endDifference <= expected.toleranceSec));
  }
  return checks;
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
