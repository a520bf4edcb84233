import { existsSync } from 'node:fs';
import { DEBIAN_FFMPEG, EMBEDDED_FFMPEG } from '../../fixtures/corpus/tools.ts';

export const IN_CI = Boolean(process.env.CI);

export interface FfmpegUnderTest {
  label: string;
  path: string;
  /** Why it cannot run here, or null. */
  missing: string | null;
}

/** The ffmpeg builds the pipeline must work with: the embedded default and the container image's (Debian's). */
export const FFMPEGS_UNDER_TEST: FfmpegUnderTest[] = [
  { label: 'the embedded ffmpeg 4.1', path: EMBEDDED_FFMPEG, missing: null },
  { label: "Debian's ffmpeg 5.1", path: DEBIAN_FFMPEG, missing: existsSync(DEBIAN_FFMPEG) ? null : `${DEBIAN_FFMPEG} is absent (sh .ci/install-media-tools.sh installs it)` },
];

/**
 * Whether a suite that needs `missing` is skipped: locally yes (with the reason printed), in CI
 * (CI set) never, so a machine without the tool fails loudly instead of passing quietly.
 */
export function skipFor(missing: string | null, suite: string): boolean {
  if (!missing) return false;
  if (IN_CI) return false;
  console.warn(`skipping ${suite}: ${missing}`);
  return true;
}
