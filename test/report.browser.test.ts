/**
 * The report in a real browser: Debian's Chromium, headless, driven by playwright-core, each page
 * opened from disk (file://) beside a real MP4. Skips only outside CI when Chromium is missing.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../src/schemas/manifest.ts';
import { writeReport } from '../src/stages/report.ts';
import { HOSTILE, makeHandMadeOutput } from './helpers/hand-made-output.ts';
import {
  CHROMIUM,
  contrastOfKeyTexts,
  currentTime,
  expectedBars,
  launchChromium,
  luminance,
  openReport,
  parseSpriteVtt,
  runBrowserTests,
  trackGeometry,
  wallOfMedia,
  type OpenedReport,
} from './helpers/report-page.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'report');
const run = promisify(execFile);
if (!runBrowserTests) console.warn(`report.browser.test.ts: SKIPPED, ${CHROMIUM} is missing (install it with .ci/install-chromium.sh); in CI this fails instead`);

let browser: Browser;
beforeAll(async () => {
  if (!runBrowserTests) return;
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Checks every report must pass, whatever recording it shows. */
async function expectTimelineMatches(page: Page, manifest: Manifest) {
  const expected = expectedBars(manifest);
  const chunks = await trackGeometry(page, '#timeline-track .bar.chunk');
  const pauses = await trackGeometry(page, '#timeline-track .bar.pause');
  expect(chunks.map((c) => Number(c.index))).toEqual(expected.chunks.map((c) => c.index));
  expect(pauses).toHaveLength(expected.pauses.length);
  const px = (ms: number, trackWidth: number) => (ms / expected.total) * trackWidth;
  for (const [bars, spans] of [[chunks, expected.chunks], [pauses, expected.pauses]] as const) {
    bars.forEach((bar, i) => {
      expect(Math.abs(bar.left - px(spans[i]!.start, bar.trackWidth))).toBeLessThan(1.5);
      expect(Math.abs(bar.width - px(spans[i]!.end - spans[i]!.start, bar.trackWidth))).toBeLessThan(1.5);
    });
  }
  const t0 = Date.parse(manifest.recordingStartTime);
  const hms = (offsetMs: number) => new Date(t0 + offsetMs).toISOString().slice(11, 19);
  const items = await page.$$eval('.events li', (lis) => lis.map((li) => ({ kind: li.getAttribute('data-kind'), text: li.textContent ?? '' })));
  const events = [
    ...expected.chunks.map((c) => ({ kind: 'chunk', start: c.start, end: c.end })),
    ...expected.pauses.map((p) => ({ kind: 'pause', start: p.start, end: p.end })),
  ].sort((a, b) => a.start - b.start);
  expect(items.map((i) => i.kind)).toEqual(events.map((e) => e.kind));
  items.forEach((item, i) => expect(item.text).toContain(`${hms(events[i]!.start)}–${hms(events[i]!.end)} UTC`));
}

async function expectVideoMatches(page: Page, manifest: Manifest) {
  const video = await page.$eval('#player', (v) => {
    const el = v as HTMLVideoElement;
    return { readyState: el.readyState, duration: el.duration, width: el.videoWidth, height: el.videoHeight, error: el.error?.code ?? null };
  });
  expect(video.error).toBeNull();
  expect(video.readyState).toBeGreaterThanOrEqual(1); // HAVE_METADATA
  expect(Math.abs(video.duration * 1000 - manifest.output.durationMs)).toBeLessThan(100);
  expect([video.width, video.height]).toEqual([manifest.output.video!.width, manifest.output.video!.height]);
}

async function expectThumbnailSeeks(page: Page, manifest: Manifest, nth: number, filledPauses: boolean) {
  const thumbs = page.locator('#sheet button.thumb');
  expect(await thumbs.count()).toBe(manifest.thumbnails.length);
  await thumbs.nth(nth).click();
  expect(await currentTime(page)).toBeCloseTo(manifest.thumbnails[nth]!.mediaTimeMs / 1000, 3);
  const [playhead] = await trackGeometry(page, '#playhead');
  const wall = wallOfMedia(manifest, manifest.thumbnails[nth]!.mediaTimeMs, filledPauses);
  expect(Math.abs(playhead!.left + playhead!.width / 2 - (wall / manifest.wallClockDurationMs) * playhead!.trackWidth)).toBeLessThan(2);
}

async function expectPreviewAt(opened: OpenedReport, outDir: string, manifest: Manifest, share: number) {
  const { page } = opened;
  const cues = parseSpriteVtt(await readFile(join(outDir, 'thumbnails', 'thumbnails.vtt'), 'utf8'));
  expect(cues.length).toBeGreaterThan(0);
  await page.locator('.player').scrollIntoViewIfNeeded();
  const box = (await page.locator('#scrubber').boundingBox())!;
  await page.mouse.move(box.x + box.width * share, box.y + box.height / 2);
  const mediaMs = share * manifest.output.durationMs;
  const cue = cues.find((c) => mediaMs >= c.startMs && mediaMs < c.endMs) ?? cues.at(-1)!;
  const preview = await page.$eval('#preview', (el) => {
    const image = document.getElementById('preview-image')!;
    return { hidden: (el as HTMLElement).hidden, background: image.style.backgroundImage, position: image.style.backgroundPosition, ms: Number(el.getAttribute('data-media-ms')) };
  });
  expect(preview.hidden).toBe(false);
  expect(Math.abs(preview.ms - mediaMs)).toBeLessThan(manifest.output.durationMs / box.width + 1);
  expect(preview.background).toBe(`url("thumbnails/${cue.image}")`);
  expect(preview.position).toBe(`${-cue.x}px ${-cue.y}px`);
  await expect.poll(() => opened.requests.some((url) => url.endsWith(`/thumbnails/${cue.image}`))).toBe(true);
}

describe.skipIf(!runBrowserTests)('report.html of a hand-made output in headless Chromium', () => {
  const outDir = join(ARTIFACTS, 'hand-made');
  let opened: OpenedReport;
  let page: Page;
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = await makeHandMadeOutput(outDir);
    await writeReport({ outDir, manifest });
    opened = await openReport(browser, outDir);
    page = opened.page;
  });

  it('plays recording.mp4: metadata loads and the duration matches the manifest', () => expectVideoMatches(page, manifest));

  it('shows manifest strings as text and runs none of them', async () => {
    expect(await page.textContent('h1')).toContain(HOSTILE.callId);
    expect(await page.textContent('#warnings')).toContain(HOSTILE.warning);
    expect(await page.textContent('.participants')).toContain(HOSTILE.participant);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$('img[src="x"], b[onclick]')).toHaveLength(0);
  });

  it('places every chunk and pause on the wall-clock timeline', async () => {
    await expectTimelineMatches(page, manifest);
    expect(await page.textContent('.events li:nth-child(1)')).toContain(`end reason: ${manifest.chunks[0]!.endReason}`);
    expect(await page.textContent('.events li:nth-child(2)')).toContain('media jumps at 0:00:04');
  });

  it('seeks from a thumbnail by click, by Enter and by Space, and moves the playhead', async () => {
    await expectThumbnailSeeks(page, manifest, 3, false);
    const thumbs = page.locator('#sheet button.thumb');
    await thumbs.nth(1).focus();
    await page.keyboard.press('Enter');
    expect(await currentTime(page)).toBeCloseTo(manifest.thumbnails[1]!.mediaTimeMs / 1000, 3);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('li') === document.querySelectorAll('#sheet li')[2])).toBe(true);
    await page.keyboard.press('Space');
    expect(await currentTime(page)).toBeCloseTo(manifest.thumbnails[2]!.mediaTimeMs / 1000, 3);
    expect(await page.textContent('#seek-status')).toContain('0:00:04');
  });

  it('seeks from a timeline bar to the media position of its chunk', async () => {
    await page.locator('#timeline-track .bar.chunk[data-index="1"]').click();
    expect(await currentTime(page)).toBeCloseTo(manifest.chunks[1]!.mediaOffsetMs / 1000, 3);
  });

  it('previews the sprite region of the VTT cue under the pointer, and on keyboard moves', async () => {
    await expectPreviewAt(opened, outDir, manifest, 0.55);
    await page.locator('.player').screenshot({ path: join(ARTIFACTS, 'preview-hover.png') });
    await page.mouse.move(0, 0);
    expect(await page.$eval('#preview', (el) => (el as HTMLElement).hidden)).toBe(true);
    await page.locator('#scrubber').focus();
    const before = await currentTime(page);
    await page.keyboard.press('ArrowRight');
    expect(await currentTime(page)).toBeCloseTo(before + 0.1, 3);
    expect(await page.$eval('#preview', (el) => (el as HTMLElement).hidden)).toBe(false);
    await page.keyboard.press('Escape');
    expect(await page.$eval('#preview', (el) => (el as HTMLElement).hidden)).toBe(true);
  });

  it('lists every verification check with expected, actual and result', async () => {
    const rows = await page.$$eval('#checks tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())));
    const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    expect(rows).toEqual(manifest.verification.checks.map((c) => [c.name, text(c.expected), text(c.actual), c.passed ? '✓ pass' : '✗ fail']));
  });

  it('loads only files beside the page, with no errors, dialogs or CSP violations', () => {
    expect(opened.requests.length).toBeGreaterThan(2);
    expect(opened.requests.filter((url) => !url.startsWith(`file://${outDir}/`))).toEqual([]);
    expect(opened.problems).toEqual([]);
  });

  it.each([
    { name: 'light', colorScheme: 'light' as const, width: 1280, height: 900, dark: false },
    { name: 'dark', colorScheme: 'dark' as const, width: 1280, height: 900, dark: true },
    { name: 'narrow-390', colorScheme: 'light' as const, width: 390, height: 844, dark: false },
    { name: 'narrow-390-dark', colorScheme: 'dark' as const, width: 390, height: 844, dark: true },
  ])('$name: readable colours, no sideways scrolling, screenshot', async ({ name, colorScheme, width, height, dark }) => {
    const view = await openReport(browser, outDir, { width, height, colorScheme });
    try {
      await view.page.$$eval('#sheet img', (imgs) => Promise.all(imgs.map((img) => ((img as HTMLImageElement).loading = 'eager') && (img as HTMLImageElement).decode())));
      const layout = await view.page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, background: getComputedStyle(document.body).backgroundColor }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(luminance(layout.background) < 0.2).toBe(dark);
      const contrasts = await view.page.evaluate(contrastOfKeyTexts);
      for (const [what, ratio] of Object.entries(contrasts)) expect.soft(ratio, `${name}: contrast of ${what}`).toBeGreaterThanOrEqual(4.5);
      await view.page.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: true });
      expect(view.problems).toEqual([]);
    } finally {
      await view.page.close();
    }
  });
});

describe.skipIf(!runBrowserTests).each([
  { name: 'three-chunks-with-pause', options: [] as string[], filledPauses: false },
  { name: 'three-chunks-with-pause --fill-pauses', options: ['--fill-pauses'], filledPauses: true },
])('report.html of `acsrec process` output ($name) in headless Chromium', ({ name, options, filledPauses }) => {
  const outDir = join(ARTIFACTS, name.replace(/\W+/g, '-'));
  let opened: OpenedReport;
  let manifest: Manifest;

  beforeAll(async () => {
    const acsrec = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin', 'acsrec.js'), ...args], { cwd: ROOT });
    await acsrec('process', join(ROOT, 'fixtures', 'three-chunks-with-pause'), '--out', outDir, '--thumbnail-interval', '2', '--force', ...options);
    const { stdout } = await acsrec('report', outDir);
    expect(stdout.trim()).toBe(join(outDir, 'report.html'));
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')));
    opened = await openReport(browser, outDir);
  }, 180_000);

  it('plays the joined recording with the duration of the manifest', () => expectVideoMatches(opened.page, manifest));
  it('places every chunk and pause on the wall-clock timeline', () => expectTimelineMatches(opened.page, manifest));
  it('seeks from a thumbnail and puts the playhead at its wall-clock time', () => expectThumbnailSeeks(opened.page, manifest, Math.min(3, manifest.thumbnails.length - 1), filledPauses));
  it('previews the right sprite region', () => expectPreviewAt(opened, outDir, manifest, 0.4));
  it('loads only files beside the page, with no errors', async () => {
    await opened.page.screenshot({ path: join(ARTIFACTS, `process-${name.replace(/\W+/g, '-')}.png`), fullPage: true });
    expect(opened.requests.filter((url) => !url.startsWith(`file://${outDir}/`))).toEqual([]);
    expect(opened.problems).toEqual([]);
  });
});
