import { describe, expect, it } from 'vitest';
import { containerBox, fullBox } from './bytes.ts';
import { ftypBox } from './ftyp.ts';
import { mdatHeader, mdatHeaderSize } from './mdat-header.ts';
import { checkedRaw, defaultMediaHeader, selfContainedDinf, stsdBox } from './media-boxes.ts';
import { boxesOf } from './parsed-by-mp4box.ts';

describe('our own small boxes round-trip through mp4box.js', () => {
  it('ftyp: brands and minor version', () => {
    const [box] = boxesOf(ftypBox({ majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] }));
    expect(box).toMatchObject({ type: 'ftyp', size: 32, major_brand: 'isom', minor_version: 512, compatible_brands: ['isom', 'iso2', 'avc1', 'mp41'] });
    expect(() => ftypBox({ majorBrand: 'iso', minorVersion: 0, compatibleBrands: [] })).toThrow(/majorBrand/);
  });

  it('mdat header: 32-bit size, or size 1 and a 64-bit largesize past 4 GiB', () => {
    const small = Buffer.concat([mdatHeader(5), Buffer.from('hello')]);
    const [box] = boxesOf(small);
    expect(box).toMatchObject({ type: 'mdat', size: 13, hdr_size: 8 });
    expect(mdatHeaderSize(0xffffffff - 8)).toBe(8);
    expect(mdatHeaderSize(0xffffffff - 7)).toBe(16);
    const payload = 5 * 2 ** 32 + 3;
    const large = mdatHeader(payload);
    expect(large.length).toBe(16);
    // Independent decoding of ISO/IEC 14496-12 4.2: size 1, type, 64-bit size of the whole box.
    expect([large.readUInt32BE(0), large.toString('latin1', 4, 8), Number(large.readBigUInt64BE(8))]).toEqual([1, 'mdat', payload + 16]);
    const [parsed] = boxesOf(large);
    expect(parsed).toMatchObject({ type: 'mdat', size: payload + 16, hdr_size: 16 });
  });

  it('containers and full boxes: sizes add up and children parse', () => {
    const minf = containerBox('minf', [defaultMediaHeader('audio'), selfContainedDinf()]);
    const [box] = boxesOf(minf);
    expect(box.size).toBe(minf.length);
    expect(box.smhd).toMatchObject({ type: 'smhd', size: 16, version: 0 });
    expect(box.dinf.size).toBe(selfContainedDinf().length);
    const [vmhd] = boxesOf(defaultMediaHeader('video'));
    expect(vmhd).toMatchObject({ type: 'vmhd', size: 20, flags: 1 });
    expect(fullBox('free', 2, 0xabcdef, Buffer.alloc(3)).readUInt32BE(8)).toBe(0x02abcdef);
  });

  it('dinf: one self-contained url  data reference', () => {
    const [dinf] = boxesOf(selfContainedDinf());
    expect(dinf.dref.entries).toHaveLength(1);
    expect(dinf.dref.entries[0]).toMatchObject({ type: 'url ', flags: 1 });
  });

  it('stsd: the sample entries as they are, counted', () => {
    const entry = (type: string) => {
      const bytes = Buffer.alloc(16);
      bytes.writeUInt32BE(16, 0);
      bytes.write(type, 4, 'latin1');
      bytes.writeUInt16BE(1, 14);
      return bytes;
    };
    const [stsd] = boxesOf(stsdBox([entry('zzz1'), entry('zzz2')]));
    expect(stsd.entries.map((e: { type: string; size: number }) => [e.type, e.size])).toEqual([['zzz1', 16], ['zzz2', 16]]);
    expect(() => stsdBox([])).toThrow(RangeError);
    expect(() => stsdBox([Buffer.alloc(8)])).toThrow(/box header says 0/);
  });

  it('checkedRaw refuses a box that is cut short or of another type', () => {
    const smhd = defaultMediaHeader('audio');
    expect(checkedRaw(smhd, '*mhd', 'raw.mediaHeader')).toBe(smhd);
    expect(() => checkedRaw(smhd.subarray(0, 12), '*mhd', 'raw.mediaHeader')).toThrow(/raw.mediaHeader: not one whole box/);
    expect(() => checkedRaw(smhd, 'hdlr', 'raw.hdlr')).toThrow(/expected 'hdlr', got 'smhd'/);
  });
});
