import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaStart, isMp3FrameHeader, type MediaFormat } from './media-signature.ts';

// MPEG-2 Layer III, 32 kbit/s, 16 kHz, mono: what the service's MP3 chunks hold
const FRAME = Buffer.from([0xff, 0xf3, 0x48, 0xc4]);
const id3 = (size: number, footer = false) => Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, footer ? 0x10 : 0, 0, 0, (size >> 7) & 0x7f, size & 0x7f]), Buffer.alloc(size + (footer ? 10 : 0))]);
const riff = (tag: string) => Buffer.concat([Buffer.from(tag, 'latin1'), Buffer.alloc(4), Buffer.from('WAVEfmt ', 'latin1')]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(16)]);
const html = Buffer.from('<!doctype html><html><body>Service unavailable</body></html>');

describe('isMp3FrameHeader', () => {
  it.each([
    ['MPEG-2 L3 32k 16 kHz', [0xff, 0xf3, 0x48, 0xc4], true],
    ['MPEG-1 L3 128k 44.1 kHz', [0xff, 0xfb, 0x90, 0x64], true],
    ['MPEG-2.5 L3', [0xff, 0xe3, 0x48, 0xc4], true],
    ['reserved version', [0xff, 0xeb, 0x48, 0xc4], false],
    ['layer II', [0xff, 0xfd, 0x48, 0xc4], false],
    ['free format bitrate', [0xff, 0xf3, 0x08, 0xc4], false],
    ['bad bitrate', [0xff, 0xf3, 0xf8, 0xc4], false],
    ['reserved sample rate', [0xff, 0xf3, 0x4c, 0xc4], false],
    ['no sync', [0xfe, 0xf3, 0x48, 0xc4], false],
  ])('%s', (_name, bytes, expected) => expect(isMp3FrameHeader(Buffer.from(bytes))).toBe(expected));
});

describe('checkMediaStart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'acsrec-signature-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['mp3', 'ID3 then a frame', Buffer.concat([id3(300), FRAME, Buffer.alloc(100)]), true],
    ['mp3', 'ID3 with a footer then a frame', Buffer.concat([id3(20, true), FRAME]), true],
    ['mp3', 'a frame at once', Buffer.concat([FRAME, Buffer.alloc(200)]), true],
    ['mp3', 'ID3 and nothing after it (cut short)', id3(300), false],
    ['mp3', 'an HTML page', html, false],
    ['mp3', 'a WAV', riff('RIFF'), false],
    ['wav', 'RIFF/WAVE', riff('RIFF'), true],
    ['wav', 'RF64/WAVE', riff('RF64'), true],
    ['wav', 'RIFF of another kind', Buffer.from('RIFF\0\0\0\0AVI LIST', 'latin1'), false],
    ['wav', 'an HTML page', html, false],
    ['wav', 'an MP3', Buffer.concat([FRAME, Buffer.alloc(20)]), false],
    ['mp4', 'ftyp', mp4, true],
    ['mp4', 'a WAV', riff('RIFF'), false],
    ['mp3', 'empty', Buffer.alloc(0), false],
    ['wav', 'empty', Buffer.alloc(0), false],
    ['mp4', 'empty', Buffer.alloc(0), false],
  ] as [MediaFormat, string, Buffer, boolean][])('%s: %s', async (format, name, bytes, ok) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.${format}`);
    await writeFile(file, bytes);
    const problem = await checkMediaStart(file, format);
    expect(problem === null).toBe(ok);
  });
});
