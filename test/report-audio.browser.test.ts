/**
 * The report of an audio recording in headless Chromium: a hand-made unmixed WAV output (three
 * channels, two pauses, one speech span cut by a pause). The audio plays, the waveform shows,
 * each participant has a lane whose speech bars sit where the test computes them from the
 * manifest, and choosing a bar (click, Enter, Space) seeks the audio there.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportManifest } from '../src/report/report-manifest.ts';
import { manifestSchema } from '../src/schemas/manifest.ts';
import { writeReport } from '../src/stages/report.ts';
import { makeHandMadeAudioOutput, SPEECH, type HandMadeAudioManifest } from './helpers/hand-made-audio-output.ts';
import { HOSTILE } from './helpers/hand-made-output.ts';
import { CHROMIUM, contrastOfKeyTexts, currentTime, launchChromium, luminance, openReport, runBrowserTests, type OpenedReport } from './helpers/report-page.ts';

/** Chromium stops reading a WAV once it has what preload=metadata needs, and reports that as an aborted request. */
const problemsOf = (o: OpenedReport) => o.problems.filter((p) => !/^request failed: \S+\/recording\.wav net::ERR_ABORTED$/.test(p));

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'report-audio');
if (!runBrowserTests) console.warn(`report-audio.browser.test.ts: SKIPPED, ${CHROMIUM} is missing`);

/**
 * Where each speech span must appear, from the manifest alone: media before a pause's
 * mediaOffsetMs plays at the same wall offset plus the pauses before it; a span that runs over
 * a pause's media offset is drawn as two pieces.
 */
function expectedSpeechBars(m: HandMadeAudioManifest, channel: number, speech = SPEECH[channel]!) {
  const t0 = Date.parse(m.recordingStartTime as string);
  const pauses = (m.pauses as { startTime: string; durationMs: number; mediaOffsetMs: number }[]).map((p) => ({ media: p.mediaOffsetMs, wall: Date.parse(p.startTime) - t0, length: p.durationMs }));
  const wallOf = (media: number, side: 'start' | 'end') => media + pauses.filter((p) => (side === 'start' ? p.media <= media : p.media < media)).reduce((sum, p) => sum + p.length, 0);
  const bars: { mediaStartMs: number; wallStart: number; wallEnd: number }[] = [];
  for (const s of speech) {
    const cuts = [s.mediaOffsetMs, ...pauses.map((p) => p.media).filter((x) => x > s.mediaOffsetMs && x < s.mediaOffsetMs + s.durationMs), s.mediaOffsetMs + s.durationMs];
    for (let i = 0; i + 1 < cuts.length; i++) bars.push({ mediaStartMs: cuts[i]!, wallStart: wallOf(cuts[i]!, 'start'), wallEnd: wallOf(cuts[i + 1]!, 'end') });
  }
  return bars;
}

async function laneGeometry(page: Page, channel: number) {
  return page.$$eval(`#lane-track-${channel} .bar.speech`, (els) =>
    els.map((el) => {
      const track = el.parentElement!;
      const origin = track.getBoundingClientRect().left + track.clientLeft;
      const r = el.getBoundingClientRect();
      return { left: r.left - origin, width: r.width, trackWidth: track.clientWidth, seekMs: Number(el.getAttribute('data-seek-ms')) };
    }),
  );
}

describe.skipIf(!runBrowserTests)('report.html of an unmixed audio output in headless Chromium', () => {
  const outDir = join(ARTIFACTS, 'unmixed-wav');
  let browser: Browser;
  let opened: OpenedReport;
  let page: Page;
  let manifest: HandMadeAudioManifest;

  beforeAll(async () => {
    await rm(ARTIFACTS, { recursive: true, force: true });
    await mkdir(ARTIFACTS, { recursive: true });
    manifest = await makeHandMadeAudioOutput(outDir);
    await writeReport({ outDir, manifest: manifest as unknown as ReportManifest });
    browser = await launchChromium();
    opened = await openReport(browser, outDir);
    page = opened.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('plays recording.wav in an <audio> player with the duration of the manifest; no video, no thumbnails', async () => {
    const audio = await page.$eval('#player', (el) => ({ tag: el.tagName, duration: (el as HTMLAudioElement).duration, error: (el as HTMLAudioElement).error?.code ?? null, src: (el as HTMLAudioElement).currentSrc }));
    expect(audio.tag).toBe('AUDIO');
    expect(audio.error).toBeNull();
    expect(audio.src.endsWith('/recording.wav')).toBe(true);
    expect(Math.abs(audio.duration * 1000 - manifest.output.durationMs)).toBeLessThan(20);
    expect(await page.$$('video, #sheet, #thumbnails-title')).toHaveLength(0);
    expect(await page.textContent('.summary')).toContain('none (audio recording)');
  });

  it('shows the waveform picture', async () => {
    const image = await page.$eval('#waveform', async (img) => {
      await (img as HTMLImageElement).decode();
      return { width: (img as HTMLImageElement).naturalWidth, alt: img.getAttribute('alt') };
    });
    expect(image.width).toBe(960);
    expect(image.alt).toContain('one lane per channel (3)');
    // media runs left to right over the picture: a click at 3/4 of its width plays from 3/4 of the media
    const box = (await page.locator('#waveform').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    expect(Math.abs((await currentTime(page)) * 1000 - 0.75 * manifest.output.durationMs)).toBeLessThanOrEqual(manifest.output.durationMs / box.width + 1);
  });

  it('draws a lane per participant with each speech span where the manifest puts it on the wall clock', async () => {
    expect(await page.$$eval('.lane', (els) => els.map((e) => e.getAttribute('data-channel')))).toEqual(['0', '1', '2']);
    expect(await page.textContent('#lane-label-2')).toContain(HOSTILE.participant);
    const total = manifest.wallClockDurationMs as number;
    for (const channel of [0, 1, 2]) {
      const expected = expectedSpeechBars(manifest, channel);
      const bars = await laneGeometry(page, channel);
      expect(bars).toHaveLength(expected.length);
      bars.forEach((bar, i) => {
        const e = expected[i]!;
        expect(Math.abs(bar.left - (e.wallStart / total) * bar.trackWidth)).toBeLessThan(1.5);
        expect(Math.abs(bar.width - ((e.wallEnd - e.wallStart) / total) * bar.trackWidth)).toBeLessThan(1.5);
        expect(bar.seekMs).toBe(e.mediaStartMs);
      });
    }
    // channel 2's span 3.5-4.5 s runs over the cut at media 4 s: two pieces, 3 s of wall clock apart
    expect(expectedSpeechBars(manifest, 2)).toHaveLength(4);
  });

  it('seeks the audio from a speech bar by click, Enter and Space; one Tab stop per lane, arrows within it', async () => {
    const bars = page.locator('#lane-track-1 .bar.speech');
    await bars.nth(1).click();
    expect(await currentTime(page)).toBeCloseTo(SPEECH[1]![1]!.mediaOffsetMs / 1000, 3);
    await page.locator('#lane-track-0 .bar.speech').nth(0).focus();
    await page.keyboard.press('Enter');
    expect(await currentTime(page)).toBeCloseTo(SPEECH[0]![0]!.mediaOffsetMs / 1000, 3);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    expect(await currentTime(page)).toBeCloseTo(SPEECH[0]![1]!.mediaOffsetMs / 1000, 3);
    expect(await page.textContent('#seek-status')).toContain('8:acs:alice speaking');
    // Tab leaves the lane for the next one; End reaches its last bar
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('speech-1-0');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    expect(await currentTime(page)).toBeCloseTo(expectedSpeechBars(manifest, 1).at(-1)!.mediaStartMs / 1000, 3);
    expect(await page.$$eval('#lane-track-0 .bar.speech', (els) => els.map((e) => (e as HTMLElement).tabIndex))).toEqual([-1, 0]);
  });

  it('runs none of the manifest strings and loads only files beside the page', async () => {
    expect(await page.textContent('h1')).toContain(HOSTILE.callId);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$('img[src="x"], b[onclick]')).toHaveLength(0);
    expect(opened.requests.filter((url) => !url.startsWith(`file://${outDir}/`))).toEqual([]);
    expect(opened.requests.some((url) => url.endsWith('/waveform.png'))).toBe(true);
    expect(problemsOf(opened)).toEqual([]);
  });

  it.each([
    { name: 'light', colorScheme: 'light' as const, width: 1280, height: 900, dark: false },
    { name: 'dark', colorScheme: 'dark' as const, width: 1280, height: 900, dark: true },
    { name: 'narrow-390', colorScheme: 'light' as const, width: 390, height: 844, dark: false },
    { name: 'narrow-390-dark', colorScheme: 'dark' as const, width: 390, height: 844, dark: true },
  ])('$name: readable, no sideways scrolling, bars still placed, screenshot', async ({ name, colorScheme, width, height, dark }) => {
    const view = await openReport(browser, outDir, { width, height, colorScheme });
    try {
      const layout = await view.page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, background: getComputedStyle(document.body).backgroundColor }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(luminance(layout.background) < 0.2).toBe(dark);
      const contrasts = await view.page.evaluate(contrastOfKeyTexts);
      for (const [what, ratio] of Object.entries(contrasts)) expect.soft(ratio, `${name}: contrast of ${what}`).toBeGreaterThanOrEqual(4.5);
      const [first] = await laneGeometry(view.page, 0);
      expect(Math.abs(first!.left - (expectedSpeechBars(manifest, 0)[0]!.wallStart / (manifest.wallClockDurationMs as number)) * first!.trackWidth)).toBeLessThan(1.5);
      // speech bars against their lane: non-text contrast of at least 3:1
      const barContrast = await view.page.$$eval('.bar.speech', (els) => {
        const lum = (rgb: string) => {
          const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        return Math.min(...els.map((el) => {
          const [a, b] = [lum(getComputedStyle(el).backgroundColor), lum(getComputedStyle(el.parentElement!).backgroundColor)];
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }));
      });
      expect(barContrast).toBeGreaterThanOrEqual(3);
      await view.page.screenshot({ path: join(ARTIFACTS, `report-audio-${name}.png`), fullPage: true });
      expect(problemsOf(view)).toEqual([]);
    } finally {
      await view.page.close();
    }
  });
});

describe.skipIf(!runBrowserTests).each([
  { name: 'audio-unmixed-wav', file: 'recording.wav', channels: 3 },
  { name: 'audio-mixed-mp3', file: 'recording.mp3', channels: 0 },
  { name: 'audio-mixed-wav-fill-pauses', file: 'recording.wav', channels: 0 },
])('report.html of `acsrec process` output of fixtures/cases/$name in headless Chromium', ({ name, file, channels }) => {
  const outDir = join(ARTIFACTS, `process-${name}`);
  let browser: Browser;
  let opened: OpenedReport;
  let manifest: HandMadeAudioManifest;

  beforeAll(async () => {
    const caseDir = join(ROOT, 'fixtures', 'cases', name);
    const { input, args } = JSON.parse(await readFile(join(caseDir, 'case.json'), 'utf8')) as { input: string; args: string[] };
    await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'acsrec.js'), 'process', join(caseDir, input), '--out', outDir, '--force', ...args], { cwd: ROOT });
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'))) as unknown as HandMadeAudioManifest;
    browser = await launchChromium();
    opened = await openReport(browser, outDir);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('plays the joined audio with the duration of the manifest and shows its waveform', async () => {
    const audio = await opened.page.$eval('#player', (el) => ({ tag: el.tagName, duration: (el as HTMLAudioElement).duration, src: (el as HTMLAudioElement).currentSrc }));
    expect(audio.tag).toBe('AUDIO');
    expect(audio.src.endsWith(`/${file}`)).toBe(true);
    // MP3: the browser counts the whole last frame (36 ms at 16 kHz)
    expect(Math.abs(audio.duration * 1000 - manifest.output.durationMs)).toBeLessThan(file.endsWith('.mp3') ? 60 : 20);
    expect(await opened.page.$eval('#waveform', async (img) => ((await (img as HTMLImageElement).decode()), (img as HTMLImageElement).naturalWidth))).toBeGreaterThan(0);
  });

  it('has a lane per channel with the speech spans of the manifest in place, and they seek', async () => {
    expect(await opened.page.$$('.lane')).toHaveLength(channels);
    const total = manifest.wallClockDurationMs as number;
    for (const channel of manifest.channels ?? []) {
      const expected = expectedSpeechBars(manifest, channel.channel, channel.speech);
      const bars = await laneGeometry(opened.page, channel.channel);
      expect(bars.length).toBe(expected.length);
      bars.forEach((bar, i) => {
        expect(Math.abs(bar.left - (expected[i]!.wallStart / total) * bar.trackWidth)).toBeLessThan(1.5);
        expect(bar.seekMs).toBe(expected[i]!.mediaStartMs);
      });
      if (expected.length > 0) {
        await opened.page.locator(`#lane-track-${channel.channel} .bar.speech`).first().click();
        expect(await currentTime(opened.page)).toBeCloseTo(expected[0]!.mediaStartMs / 1000, 3);
      }
    }
    await opened.page.screenshot({ path: join(ARTIFACTS, `process-${name}.png`), fullPage: true });
    expect(opened.requests.filter((url) => !url.startsWith(`file://${outDir}/`))).toEqual([]);
    expect(problemsOf(opened)).toEqual([]);
  });
});
