/**
 * The report in a real browser: Debian's Chromium, headless, driven by playwright-core, the page
 * opened from disk (file://) beside a real MP4. Skips only outside CI when Chromium is missing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/schemas/manifest.ts';
import { writeReport } from '../src/stages/report.ts';
import { HOSTILE, makeHandMadeOutput } from './helpers/hand-made-output.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/report/', import.meta.url));
const OUT_DIR = join(ARTIFACTS, 'output');
const haveChromium = existsSync(CHROMIUM);
const runHere = haveChromium || Boolean(process.env.CI);
if (!runHere) console.warn(`report.browser.test.ts: SKIPPED, ${CHROMIUM} is missing (install it with .ci/install-chromium.sh); in CI this fails instead`);

/** Wall-clock offsets computed from the manifest alone: a chunk lasts until the next one starts. */
function expectedBars(m: Manifest) {
  const t0 = Date.parse(m.recordingStartTime);
  const chunks = m.chunks.map((c, i) => ({
    index: c.index,
    start: Date.parse(c.startTime) - t0,
    end: i + 1 < m.chunks.length ? Date.parse(m.chunks[i + 1]!.startTime) - t0 : m.wallClockDurationMs,
  }));
  const pauses = m.pauses.map((p) => ({ start: Date.parse(p.startTime) - t0, end: Date.parse(p.startTime) - t0 + p.durationMs }));
  return { chunks, pauses, total: m.wallClockDurationMs };
}

/** Media -> wall clock: every skipped pause before a position pushes it later by its length. */
const wallOfMedia = (m: Manifest, mediaMs: number) => mediaMs + m.pauses.filter((p) => p.mediaOffsetMs <= mediaMs).reduce((sum, p) => sum + p.durationMs, 0);

async function barGeometry(page: Page, selector: string) {
  return page.$$eval(selector, (bars) => {
    const track = document.getElementById('timeline-track')!;
    const rect = track.getBoundingClientRect();
    const origin = rect.left + track.clientLeft;
    return bars.map((bar) => {
      const r = bar.getBoundingClientRect();
      return { left: r.left - origin, width: r.width, trackWidth: track.clientWidth, index: bar.getAttribute('data-index') };
    });
  });
}

const currentTime = (page: Page) => page.$eval('#player', (v) => (v as HTMLVideoElement).currentTime);

describe.skipIf(!runHere)('report.html in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let manifest: Manifest;
  const requests: string[] = [];
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/install-chromium.sh)`);
    await rm(ARTIFACTS, { recursive: true, force: true });
    await mkdir(ARTIFACTS, { recursive: true });
    manifest = await makeHandMadeOutput(OUT_DIR);
    await writeReport({ outDir: OUT_DIR, manifest });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${join(OUT_DIR, 'report.html')}`);
    await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 1, null, { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('plays recording.mp4: metadata loads and the duration matches the manifest', async () => {
    const video = await page.$eval('#player', (v) => {
      const el = v as HTMLVideoElement;
      return { readyState: el.readyState, duration: el.duration, width: el.videoWidth, height: el.videoHeight, error: el.error?.code ?? null };
    });
    expect(video.error).toBeNull();
    expect(video.readyState).toBeGreaterThanOrEqual(1);
    expect(Math.abs(video.duration * 1000 - manifest.output.durationMs)).toBeLessThan(100);
    expect([video.width, video.height]).toEqual([manifest.output.video.width, manifest.output.video.height]);
  });

  it('shows manifest strings as text and runs none of them', async () => {
    expect(await page.textContent('h1')).toContain(HOSTILE.callId);
    expect(await page.textContent('#warnings')).toContain(HOSTILE.warning);
    expect(await page.textContent('.participants')).toContain(HOSTILE.participant);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$('img[src="x"], b[onclick]')).toHaveLength(0);
    expect(dialogs).toEqual([]);
  });

  it('places every chunk and pause on the wall-clock timeline', async () => {
    const expected = expectedBars(manifest);
    const chunks = await barGeometry(page, '#timeline-track .bar.chunk');
    const pauses = await barGeometry(page, '#timeline-track .bar.pause');
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
    const timeline = [
      ...expected.chunks.map((c) => ({ kind: 'chunk', start: c.start, end: c.end })),
      ...expected.pauses.map((p) => ({ kind: 'pause', start: p.start, end: p.end })),
    ].sort((a, b) => a.start - b.start);
    expect(items.map((i) => i.kind)).toEqual(timeline.map((t) => t.kind));
    items.forEach((item, i) => expect(item.text).toContain(`${hms(timeline[i]!.start)}–${hms(timeline[i]!.end)} UTC`));
    expect(items[0]!.text).toContain(`end reason: ${manifest.chunks[0]!.endReason}`);
    expect(items[1]!.text).toContain('media jumps at 0:00:04');
  });

  it('seeks the player from a thumbnail by click, by Enter and by Space, and moves the playhead', async () => {
    const thumbs = page.locator('#sheet button.thumb');
    expect(await thumbs.count()).toBe(manifest.thumbnails.length);

    await thumbs.nth(3).click();
    expect(await currentTime(page)).toBeCloseTo(manifest.thumbnails[3]!.mediaTimeMs / 1000, 3);
    const [playhead] = await barGeometry(page, '#playhead');
    const wall = wallOfMedia(manifest, manifest.thumbnails[3]!.mediaTimeMs);
    expect(Math.abs(playhead!.left + 1 - (wall / manifest.wallClockDurationMs) * playhead!.trackWidth)).toBeLessThan(2);

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

  it('previews the sprite region of the VTT cue under the pointer on the scrub bar', async () => {
    const vtt = await readFile(join(OUT_DIR, 'thumbnails', 'thumbnails.vtt'), 'utf8');
    const cues = [...vtt.matchAll(/(\d\d):(\d\d)\.(\d{3}) --> \d\d:(\d\d):(\d\d)\.(\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/g)].map((m) => ({
      start: (Number(m[1]) * 60 + Number(m[2])) * 1000 + Number(m[3]),
      end: (Number(m[4]) * 60 + Number(m[5])) * 1000 + Number(m[6]),
      image: m[7]!,
      x: Number(m[8]),
      y: Number(m[9]),
    }));
    expect(cues.length).toBe(manifest.thumbnails.length);
    await page.locator('.player').scrollIntoViewIfNeeded();
    const box = (await page.locator('#scrubber').boundingBox())!;
    const share = 0.55;
    await page.mouse.move(box.x + box.width * share, box.y + box.height / 2);
    const mediaMs = share * manifest.output.durationMs;
    const cue = cues.find((c) => mediaMs >= c.start && mediaMs < c.end)!;
    const preview = await page.$eval('#preview', (el) => {
      const image = document.getElementById('preview-image')!;
      return { hidden: (el as HTMLElement).hidden, background: image.style.backgroundImage, position: image.style.backgroundPosition, ms: Number(el.getAttribute('data-media-ms')) };
    });
    expect(preview.hidden).toBe(false);
    expect(Math.abs(preview.ms - mediaMs)).toBeLessThan(manifest.output.durationMs / box.width + 1);
    expect(preview.background).toBe(`url("thumbnails/${cue.image}")`);
    expect(preview.position).toBe(`${-cue.x}px ${-cue.y}px`);
    await expect.poll(() => requests.some((url) => url.endsWith('/thumbnails/sprite.jpg'))).toBe(true);
    await page.locator('.player').screenshot({ path: join(ARTIFACTS, 'preview-hover.png') });
    await page.mouse.move(0, 0);
    expect(await page.$eval('#preview', (el) => (el as HTMLElement).hidden)).toBe(true);

    await page.locator('#scrubber').focus();
    const before = await currentTime(page);
    await page.keyboard.press('ArrowRight');
    expect(await currentTime(page)).toBeCloseTo(before + 0.1, 3);
    expect(await page.$eval('#preview', (el) => (el as HTMLElement).hidden)).toBe(false);
    await page.keyboard.press('Escape');
  });

  it('lists every verification check with expected, actual and result', async () => {
    const rows = await page.$$eval('#checks tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())));
    expect(rows).toEqual(
      manifest.verification.checks.map((c) => [c.name, typeof c.expected === 'string' ? c.expected : JSON.stringify(c.expected), typeof c.actual === 'string' ? c.actual : JSON.stringify(c.actual), c.passed ? '✓ pass' : '✗ fail']),
    );
  });

  it('loads only files beside the page, with no errors', async () => {
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((url) => !url.startsWith(`file://${OUT_DIR}/`))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it.each([
    { name: 'light', colorScheme: 'light' as const, width: 1280, height: 900, dark: false },
    { name: 'dark', colorScheme: 'dark' as const, width: 1280, height: 900, dark: true },
    { name: 'narrow-390', colorScheme: 'light' as const, width: 390, height: 844, dark: false },
    { name: 'narrow-390-dark', colorScheme: 'dark' as const, width: 390, height: 844, dark: true },
  ])('$name: readable colours, no sideways scrolling, screenshot', async ({ name, colorScheme, width, height, dark }) => {
    const view = await browser.newPage({ viewport: { width, height }, colorScheme });
    try {
      await view.goto(`file://${join(OUT_DIR, 'report.html')}`);
      await view.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 2, null, { timeout: 20_000 });
      await view.$$eval('#sheet img', (imgs) => Promise.all(imgs.map((img) => ((img as HTMLImageElement).loading = 'eager') && (img as HTMLImageElement).decode())));
      const layout = await view.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, background: getComputedStyle(document.body).backgroundColor }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(luminance(layout.background) < 0.2).toBe(dark);
      const contrasts = await view.evaluate(contrastOfKeyTexts);
      for (const [what, ratio] of Object.entries(contrasts)) expect.soft(ratio, `${name}: contrast of ${what}`).toBeGreaterThanOrEqual(4.5);
      await view.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: true });
    } finally {
      await view.close();
    }
  });
});

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast of text that matters, against the nearest painted background (runs in the page). */
function contrastOfKeyTexts(): Record<string, number> {
  const lum = (rgb: string) => {
    const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const background = (el: Element | null): string => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && !/rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const selectors: Record<string, string> = {
    text: 'h1', muted: '.summary dt', link: '.summary a', chunkLabel: '.bar.chunk', pass: 'td.pass', warning: '.warnings li',
    eventMuted: '.events .muted', thumbCaption: '.thumb .caption .muted', badge: '#verification-badge',
  };
  const out: Record<string, number> = {};
  for (const [what, selector] of Object.entries(selectors)) {
    const el = document.querySelector(selector);
    if (!el) continue;
    const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
    out[what] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
  }
  return out;
}
