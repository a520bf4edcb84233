/** Chromium plays the MP4 our writer makes and seeks to every join (the browser is the player users have). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { launchChromium, runBrowserTests } from './helpers/report-page.ts';

const SAMPLE = resolve('fixtures/three-chunks-with-pause');

describe.skipIf(!runBrowserTests)('recording.mp4 in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let manifest: { output: { durationMs: number }; chunks: { mediaOffsetMs: number }[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acsrec-playback-'));
    const result = await runCli(['process', SAMPLE, '--out', join(dir, 'out'), '--thumbnail-interval', '5']);
    expect(result.code, result.stderr).toBe(0);
    manifest = JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plays to the end and seeks to every join without an error', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const html = join(dir, 'player.html');
    await writeFile(html, '<!doctype html><video id="v" muted preload="auto" src="out/recording.mp4"></video>');
    await page.goto(`file://${html}`);
    await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).readyState >= 1, null, { timeout: 20_000 });
    const duration = await page.$eval('#v', (v) => (v as HTMLVideoElement).duration);
    expect(Math.abs(duration * 1000 - manifest.output.durationMs)).toBeLessThanOrEqual(70);

    for (const join_ of manifest.chunks.map((c) => c.mediaOffsetMs / 1000)) {
      const target = join_ + 0.05;
      const seeked = await page.$eval(
        '#v',
        (v, t) =>
          new Promise<{ time: number; ready: number; error: number | null; width: number }>((done) => {
            const video = v as HTMLVideoElement;
            video.addEventListener('seeked', () => done({ time: video.currentTime, ready: video.readyState, error: video.error?.code ?? null, width: video.videoWidth }), { once: true });
            video.currentTime = t;
          }),
        target,
      );
      expect(seeked.error, `seek to ${target}`).toBeNull();
      expect(Math.abs(seeked.time - target)).toBeLessThan(0.01);
      expect(seeked.ready).toBeGreaterThanOrEqual(2);
      expect(seeked.width).toBeGreaterThan(0);
    }

    // play the last second through to the end
    const ended = await page.$eval(
      '#v',
      (v, d) =>
        new Promise<{ ended: boolean; error: number | null }>((done) => {
          const video = v as HTMLVideoElement;
          const timer = setTimeout(() => done({ ended: video.ended, error: video.error?.code ?? null }), 8000);
          video.addEventListener('ended', () => {
            clearTimeout(timer);
            done({ ended: true, error: video.error?.code ?? null });
          });
          video.currentTime = Math.max(0, d - 1);
          void video.play();
        }),
      duration,
    );
    expect(ended).toEqual({ ended: true, error: null });
    expect(problems).toEqual([]);
  }, 60_000);
});
