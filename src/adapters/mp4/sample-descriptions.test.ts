import { describe, expect, it } from 'vitest';
import { fullBox, u32 } from '../../../test/helpers/mp4-boxes.ts';
import { variants } from '../../../test/helpers/mp4-variants.ts';
import { readMp4Model } from './model.ts';
import { readSampleDescriptions } from './sample-descriptions.ts';

describe('readSampleDescriptions', () => {
  it('reads every stsd entry, each with its own bytes', async () => {
    const model = await readMp4Model(variants.faststart());
    const video = model.tracks.find((t) => t.kind === 'video')!;
    const first = Buffer.from(video.descriptions[0].raw);
    // VisualSampleEntry: width at byte 32, height at 34.
    const second = Buffer.from(first);
    second.writeUInt16BE(320, 32);
    second.writeUInt16BE(192, 34);
    const stsd = fullBox('stsd', 0, 0, u32(2), first, second);
    const entries = readSampleDescriptions(stsd, 'video');
    expect(entries.map((e) => e.kind === 'video' && [e.fourcc, e.width, e.height])).toEqual([
      ['avc1', 160, 96],
      ['avc1', 320, 192],
    ]);
    expect(entries.map((e) => Buffer.from(e.raw).equals(e === entries[0] ? first : second))).toEqual([true, true]);
    expect(entries[1]).toMatchObject({ codec: video.descriptions[0].codec, nalLengthSize: 4 });
  });

  it('gives each call descriptions of its own, also for stsd bytes read before, and tells apart stsd boxes that differ in one field', async () => {
    const model = await readMp4Model(variants.faststart());
    const entry = Buffer.from(model.tracks.find((t) => t.kind === 'video')!.descriptions[0].raw);
    const stsd = fullBox('stsd', 0, 0, u32(1), entry);
    const [first] = readSampleDescriptions(stsd, 'video');
    const [again] = readSampleDescriptions(Buffer.from(stsd), 'video');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(again.raw).not.toBe(first.raw);
    (first as { width: number }).width = 1;
    first.raw[8] = 0xff;
    expect(readSampleDescriptions(stsd, 'video')[0]).toMatchObject({ width: 160, raw: new Uint8Array(entry) });

    const wider = Buffer.from(entry);
    wider.writeUInt16BE(176, 32);
    expect(readSampleDescriptions(fullBox('stsd', 0, 0, u32(1), wider), 'video')[0]).toMatchObject({ width: 176 });
    // the same bytes under another handler are read as that kind
    expect(readSampleDescriptions(stsd, 'other')[0].kind).toBe('other');
  });

  it('keeps an entry mp4box.js does not know as "other" with its bytes', () => {
    const entry = Buffer.concat([u32(16), Buffer.from('zzzz'), Buffer.alloc(8)]);
    const [description] = readSampleDescriptions(fullBox('stsd', 0, 0, u32(1), entry), 'other');
    expect(description).toMatchObject({ kind: 'other', fourcc: 'zzzz' });
    expect(Buffer.from(description.raw).equals(entry)).toBe(true);
  });
});
