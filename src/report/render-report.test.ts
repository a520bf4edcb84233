import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../schemas/manifest.ts';
import { renderReport } from './render-report.ts';
import { testManifest } from './test-manifest.ts';

const EVIL = `"'><script>window.__xss=1</script><img src=x onerror=alert(1)>&amp;`;
const EVIL_ESCAPED = '&quot;&#39;&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;';

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

describe('renderReport escapes every string from the manifest', () => {
  it.each<[string, (m: Manifest) => void]>([
    ['callId', (m) => (m.callId = EVIL)],
    ['resourceId', (m) => (m.resourceId = EVIL)],
    ['chunk documentId', (m) => (m.chunks[0]!.documentId = EVIL)],
    ['chunk endReason', (m) => (m.chunks[1]!.endReason = EVIL)],
    ['participantId', (m) => (m.participants[0]!.participantId = EVIL)],
    ['warning', (m) => (m.warnings = [EVIL])],
    ['check name', (m) => (m.verification.checks[0]!.name = EVIL)],
    ['check expected', (m) => (m.verification.checks[0]!.expected = EVIL)],
    ['check actual (object)', (m) => (m.verification.checks[0]!.actual = { value: EVIL })],
    ['video codec', (m) => (m.output.video!.codec = EVIL)],
  ])('%s', (_field, patch) => {
    const page = renderReport({ manifest: testManifest(patch) });
    expect(countOf(page, '<script')).toBe(2);
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('window.__xss=1</script>');
    expect(page.includes(EVIL_ESCAPED) || page.includes(EVIL_ESCAPED.replace(/&quot;/g, '\\&quot;'))).toBe(true);
  });

  it('keeps hostile VTT text inside its JSON island', () => {
    const page = renderReport({ manifest: testManifest(), thumbnailsVtt: `WEBVTT\n\n</script><script>window.__xss=1</script>` });
    expect(countOf(page, '</script>')).toBe(2);
    const island = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page);
    expect(JSON.parse(island![1]!).thumbnailsVtt).toBe(`WEBVTT\n\n</script><script>window.__xss=1</script>`);
  });
});

describe('renderReport thumbnails', () => {
  it.each([
    { file: 'thumbnails/thumb 0001.jpg', src: 'thumbnails/thumb%200001.jpg' },
    { file: 'thumbnails/a"b.jpg', src: 'thumbnails/a%22b.jpg' },
    { file: '../secret.jpg', src: null },
    { file: '/etc/passwd', src: null },
    { file: 'https://evil.example/x.jpg', src: null },
    { file: 'javascript:alert(1)', src: null },
    { file: '//evil.example/x.jpg', src: null },
    { file: 'thumbnails\\..\\..\\x.jpg', src: null },
  ])('$file -> $src', ({ file, src }) => {
    const page = renderReport({ manifest: testManifest((m) => (m.thumbnails[1]!.file = file)) });
    const srcs = [...page.matchAll(/<img src="([^"]*)"/g)].map((match) => match[1]);
    expect(srcs).toEqual(src === null ? ['thumbnails/thumb-0000.jpg'] : ['thumbnails/thumb-0000.jpg', src]);
    expect(countOf(page, 'image path refused')).toBe(src === null ? 1 : 0);
    expect(page).toContain('data-seek-ms="60000"');
  });
});

describe('renderReport verification and warnings', () => {
  it.each([
    { passed: true, checks: [true, true], badge: '✓ passed', rows: ['true', 'true'] },
    { passed: false, checks: [true, false], badge: '✗ failed', rows: ['true', 'false'] },
  ])('passed=$passed', ({ passed, checks, badge, rows }) => {
    const manifest = testManifest((m) => {
      m.verification = { passed, checks: checks.map((ok, i) => ({ name: `check-${i}`, expected: 16000, actual: ok ? 16000 : 48000, passed: ok })) };
    });
    const page = renderReport({ manifest });
    expect(page).toContain(`id="verification-badge">${badge}</span>`);
    expect([...page.matchAll(/<tr role="row" data-passed="(\w+)">/g)].map((m) => m[1])).toEqual(rows);
    expect(countOf(page, '✗ fail</td>')).toBe(checks.filter((ok) => !ok).length);
    if (!passed) expect(page).toContain('<code>48000</code>');
  });

  it.each([
    { warnings: [], section: false },
    { warnings: ['chunk 1: chunkDuration 61000 differs from media 60000'], section: true },
  ])('warnings section with $warnings.length warnings', ({ warnings, section }) => {
    const page = renderReport({ manifest: testManifest((m) => (m.warnings = warnings)) });
    expect(page.includes('id="warnings"')).toBe(section);
    for (const w of warnings) expect(page).toContain(`<li>${w}</li>`);
  });
});

describe('renderReport page', () => {
  it('is deterministic', () => {
    expect(renderReport({ manifest: testManifest(), thumbnailsVtt: 'WEBVTT\n' })).toBe(renderReport({ manifest: testManifest(), thumbnailsVtt: 'WEBVTT\n' }));
  });

  it('allows exactly its own inline script and style by hash', () => {
    const page = renderReport({ manifest: testManifest() });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page)![1]!.replace(/&#39;/g, "'");
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(csp).toContain(`script-src ${hash(script)};`);
    expect(csp).toContain(`style-src ${hash(style)};`);
    expect(csp).toContain("default-src 'none'");
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).not.toMatch(/\son\w+="/);
  });

  it('loads nothing but files beside it', () => {
    const page = renderReport({ manifest: testManifest() });
    const urls = [...page.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(3);
    for (const url of urls) expect(url).toMatch(/^(#[\w-]+|recording\.mp4|thumbnails\/[\w.-]+)$/);
  });
});
