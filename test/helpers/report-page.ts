/** Driving report.html in Debian's headless Chromium, and what the browser tests measure on it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Manifest } from '../../src/schemas/manifest.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The machine has no network: without these Chromium keeps dialling out and logs refusals.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const haveChromium = existsSync(CHROMIUM);
/** Absent Chromium skips the suite on a developer machine and fails it in CI. */
export const runBrowserTests = haveChromium || Boolean(process.env.CI);

export async function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/install-chromium.sh)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenedReport {
  page: Page;
  requests: string[];
  /** Failed requests, console errors (CSP violations among them), page errors, dialogs. */
  problems: string[];
}

export async function openReport(browser: Browser, outDir: string, options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, colorScheme: options.colorScheme ?? 'light' });
  const opened: OpenedReport = { page, requests: [], problems: [] };
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('requestfailed', (r) => opened.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('console', (m) => m.type() === 'error' && opened.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => opened.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    opened.problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`file://${join(outDir, 'report.html')}`);
  await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 1, null, { timeout: 20_000 });
  return opened;
}

/** Wall-clock offsets computed from the manifest alone: a chunk lasts until the next one starts. */
export function expectedBars(m: Manifest) {
  const t0 = Date.parse(m.recordingStartTime);
  const chunks = m.chunks.map((c, i) => ({
    index: c.index,
    start: Date.parse(c.startTime) - t0,
    end: i + 1 < m.chunks.length ? Date.parse(m.chunks[i + 1]!.startTime) - t0 : m.wallClockDurationMs,
  }));
  const pauses = m.pauses.map((p) => ({ start: Date.parse(p.startTime) - t0, end: Date.parse(p.startTime) - t0 + p.durationMs }));
  return { chunks, pauses, total: m.wallClockDurationMs };
}

/** Media -> wall clock: filled pauses are in the media; a skipped one pushes later media by its length. */
export function wallOfMedia(m: Manifest, mediaMs: number, filledPauses: boolean): number {
  if (filledPauses) return mediaMs;
  return mediaMs + m.pauses.filter((p) => p.mediaOffsetMs <= mediaMs).reduce((sum, p) => sum + p.durationMs, 0);
}

/** Boxes of elements inside the timeline track, relative to its content box. */
export async function trackGeometry(page: Page, selector: string) {
  return page.$$eval(selector, (els) => {
    const track = document.getElementById('timeline-track')!;
    const origin = track.getBoundingClientRect().left + track.clientLeft;
    return els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left - origin, width: r.width, trackWidth: track.clientWidth, index: el.getAttribute('data-index') };
    });
  });
}

export const currentTime = (page: Page) => page.$eval('#player', (v) => (v as HTMLVideoElement).currentTime);

export interface SpriteCue {
  startMs: number;
  endMs: number;
  image: string;
  x: number;
  y: number;
}

export function parseSpriteVtt(text: string): SpriteCue[] {
  const ms = (h: string | undefined, m: string, s: string, f: string) => ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f);
  return [...text.matchAll(/(?:(\d+):)?(\d\d):(\d\d)\.(\d{3}) --> (?:(\d+):)?(\d\d):(\d\d)\.(\d{3})\r?\n(\S+)#xywh=(\d+),(\d+),\d+,\d+/g)].map((m) => ({
    startMs: ms(m[1], m[2]!, m[3]!, m[4]!),
    endMs: ms(m[5], m[6]!, m[7]!, m[8]!),
    image: m[9]!,
    x: Number(m[10]),
    y: Number(m[11]),
  }));
}

export function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast of the texts that matter against the nearest painted background (runs in the page). */
export function contrastOfKeyTexts(): Record<string, number> {
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
      if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const selectors: Record<string, string> = {
    text: 'h1', muted: '.summary dt', link: '.summary a', chunkLabel: '.bar.chunk', pass: 'td.pass', fail: 'td.fail', warning: '.warnings li',
    eventMuted: '.events .muted', thumbCaption: '.thumb .caption .muted', badge: '#verification-badge', axis: '.axis span',
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
