import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { afterAll, describe, expect, it } from 'vitest';
import { ffprobe } from '../../../test/helpers/ffprobe-packets.ts';
import { bigMoovFile } from '../../../test/helpers/big-moov.ts';
import { fullBox, rewriteBoxes, stcoToCo64, u32, u32List } from '../../../test/helpers/mp4-boxes.ts';
import { variants } from '../../../test/helpers/mp4-variants.ts';
import { InvalidInputError } from '../../errors.ts';
import { readMp4Model } from './model.ts';

const dir = mkdtempSync(join(tmpdir(), 'mp4-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** The start and size of the first top-level box of a type. */
function topLevel(bytes: Buffer, type: string): { start: number; size: number } {
  for (let at = 0; at < bytes.length; at += bytes.readUInt32BE(at)) {
    if (bytes.toString('latin1', at + 4, at + 8) === type) return { start: at, size: bytes.readUInt32BE(at) };
  }
  throw new Error(`no ${type}`);
}

describe('co64', () => {
  it('reads 64-bit chunk offsets as the 32-bit ones they replace, as ffprobe does', async () => {
    const original = readFileSync(variants.moovAtEnd());
    const moov = topLevel(original, 'moov');
    const patched = Buffer.concat([original.subarray(0, moov.start), rewriteBoxes(original.subarray(moov.start, moov.start + moov.size), stcoToCo64)]);
    expect(patched.includes('co64')).toBe(true);
    expect(patched.includes('stco')).toBe(false);
    const file = write('co64.mp4', patched);
    const [before, after] = [await readMp4Model(variants.moovAtEnd()), await readMp4Model(file)];
    const probed = ffprobe(file, { ignoreEditList: true });
    for (const [i, track] of after.tracks.entries()) {
      expect(Array.from(track.samples.offsets)).toEqual(Array.from(before.tracks[i].samples.offsets));
      expect(Array.from(track.samples.offsets)).toEqual(probed.get(track.id)!.packets.map((p) => p.pos));
    }
  });
});

/** The first track's stsd gets a second (copied) entry; its stsc sends every chunk after the first to it. */
function withTwoDescriptions(moov: Buffer): Buffer {
  const done = new Set<string>();
  return rewriteBoxes(moov, (type, whole) => {
    if ((type !== 'stsd' && type !== 'stsc') || done.has(type)) return null;
    done.add(type);
    if (type === 'stsd') {
      const entry = whole.subarray(16);
      return fullBox('stsd', 0, 0, u32(2), entry, entry);
    }
    const runs = whole.readUInt32BE(12);
    const table = Array.from({ length: runs * 3 }, (_, k) => whole.readUInt32BE(16 + k * 4));
    const [first, perChunk] = [table.slice(0, 3), table[1]];
    const rest = table.slice(3).map((v, k) => (k % 3 === 2 ? 2 : v));
    if (rest.length === 0 || rest[0] !== 2) rest.unshift(2, perChunk, 2);
    return fullBox('stsc', 0, 0, u32((3 + rest.length) / 3), u32List([...first, ...rest]));
  });
}

describe('several sample descriptions', () => {
  it('gives each sample its stsc description index, as mp4box.js does, and reads both entries', async () => {
    const original = readFileSync(variants.moovAtEnd());
    const moov = topLevel(original, 'moov');
    const file = write('two-descriptions.mp4', Buffer.concat([original.subarray(0, moov.start), withTwoDescriptions(original.subarray(moov.start, moov.start + moov.size))]));
    const model = await readMp4Model(file);
    const video = model.tracks[0];
    expect(video.descriptions.map((d) => d.fourcc)).toEqual(['avc1', 'avc1']);
    const bytes = readFileSync(file);
    const iso = createFile();
    iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
    iso.flush();
    const reference = iso.moov.traks[0].samples;
    expect(Array.from(video.samples.descriptionIndex)).toEqual(reference.map((s) => s.description_index + 1));
    expect(new Set(video.samples.descriptionIndex)).toEqual(new Set([1, 2]));
    expect(Array.from(video.samples.offsets)).toEqual(reference.map((s) => s.offset));
  });
});

describe('a four-hour moov (tables only)', () => {
  it('reads 230k B-frame video and 225k audio samples into typed arrays', async () => {
    const source = await readMp4Model(variants.faststart());
    const [video, audio] = [source.tracks.find((t) => t.kind === 'video')!, source.tracks.find((t) => t.kind === 'audio')!];
    const ftyp = readFileSync(source.file).subarray(0, source.boxes[0].size);
    const bytes = bigMoovFile(
      [
        { raw: video.raw, count: 230_400, duration: 512, perChunk: 16, bframes: true, gop: 48 },
        { raw: audio.raw, count: 225_000, duration: 1024, perChunk: 47, bframes: false, gop: 0 },
      ],
      ftyp,
    );
    const model = await readMp4Model(write('four-hours.mp4', bytes));
    const [v, a] = model.tracks;
    expect([v.samples.count, a.samples.count]).toEqual([230_400, 225_000]);
    expect(v.samples.dts).toBeInstanceOf(Float64Array);
    const mdatPayload = ftyp.length + 8;
    expect(v.samples.offsets[230_399]).toBe(mdatPayload + 230_399);
    expect(a.samples.offsets[0]).toBe(mdatPayload + 230_400);
    expect(a.samples.offsets[224_999]).toBe(mdatPayload + 230_400 + 224_999);
    expect(Array.from(v.samples.compositionOffsets.subarray(30_000, 30_006))).toEqual([2, 0, 1, 2, 0, 1].map((k) => k * 512));
    expect(v.samples.sync.reduce((n, s) => n + s, 0)).toBe(230_400 / 48);
    expect(a.samples.sync.every((s) => s === 1)).toBe(true);
    expect(v.presentation.durationSec).toBe((230_400 * 512) / 12800);
  });
});

describe('files that are not a readable MP4', () => {
  const good = () => readFileSync(variants.faststart());
  const cases: [string, () => Buffer, string][] = [
    ['empty', () => Buffer.alloc(0), 'the media file is empty'],
    ['binary garbage', () => Buffer.alloc(64, 0xff), 'no MP4 box at byte 0'],
    ['no ftyp first', () => good().subarray(topLevel(good(), 'moov').start), "it starts with 'moov', not 'ftyp'"],
    ['cut short', () => good().subarray(0, good().length - 1000), 'truncated'],
    ['stray bytes at the end', () => Buffer.concat([good(), Buffer.from([1, 2, 3])]), '3 stray bytes after the last box'],
    [
      'no moov',
      () => {
        const bytes = good();
        const moov = topLevel(bytes, 'moov');
        return Buffer.concat([bytes.subarray(0, moov.start), bytes.subarray(moov.start + moov.size)]);
      },
      'no moov box',
    ],
    [
      'samples past the end (mdat cut and its size mended)',
      () => {
        const bytes = Buffer.from(good());
        const mdat = topLevel(bytes, 'mdat');
        const cut = bytes.subarray(0, mdat.start + 5000);
        cut.writeUInt32BE(5000, mdat.start);
        return cut;
      },
      'but the file has',
    ],
  ];
  it.each(cases)('%s', async (name, make, message) => {
    const file = write(`${name.replace(/\W+/g, '-')}.mp4`, make());
    const error = await readMp4Model(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).file).toBe(file);
    expect((error as Error).message).toContain(message);
  });

  it('names a missing file', async () => {
    const error = await readMp4Model(join(dir, 'absent.mp4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('ENOENT');
  });
});
