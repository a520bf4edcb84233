import type { EditEntry } from '../../types/mp4.ts';
import { childrenOf, findChild, fullBox, MalformedBoxError, need, type BoxSpan } from './boxes.ts';

export function readMovieTimescale(buf: Buffer, moov: BoxSpan): number {
  const mvhd = findChild(buf, moov, 'mvhd');
  if (!mvhd) throw new MalformedBoxError('the moov has no mvhd');
  const { version, fields } = fullBox(buf, mvhd);
  const at = fields + (version === 1 ? 16 : 8);
  need(mvhd, at, 4);
  return buf.readUInt32BE(at);
}

export function readTrackId(buf: Buffer, tkhd: BoxSpan): number {
  const { version, fields } = fullBox(buf, tkhd);
  const at = fields + (version === 1 ? 16 : 8);
  need(tkhd, at, 4);
  return buf.readUInt32BE(at);
}

export function readMediaHeader(buf: Buffer, mdhd: BoxSpan): { timescale: number; language: string } {
  const { version, fields } = fullBox(buf, mdhd);
  const at = fields + (version === 1 ? 16 : 8);
  const languageAt = at + (version === 1 ? 12 : 8);
  need(mdhd, languageAt, 2);
  const packed = buf.readUInt16BE(languageAt) & 0x7fff;
  const language = packed === 0 ? 'und' : String.fromCharCode(((packed >> 10) & 31) + 0x60, ((packed >> 5) & 31) + 0x60, (packed & 31) + 0x60);
  return { timescale: buf.readUInt32BE(at), language };
}

export function readHandlerType(buf: Buffer, hdlr: BoxSpan): string {
  const { fields } = fullBox(buf, hdlr);
  need(hdlr, fields, 8);
  return buf.toString('latin1', fields + 4, fields + 8);
}

/** elst entries as written (v0: 32-bit, v1: 64-bit durations and times). */
export function readEdits(buf: Buffer, edts: BoxSpan | undefined): EditEntry[] {
  const elst = edts && childrenOf(buf, edts).find((b) => b.type === 'elst');
  if (!elst) return [];
  const { version, fields } = fullBox(buf, elst);
  need(elst, fields, 4);
  const count = buf.readUInt32BE(fields);
  const entrySize = version === 1 ? 20 : 12;
  need(elst, fields + 4, count * entrySize);
  const edits: EditEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = fields + 4 + i * entrySize;
    const segmentDuration = version === 1 ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at);
    const mediaTime = version === 1 ? Number(buf.readBigInt64BE(at + 8)) : buf.readInt32BE(at + 4);
    const rateAt = at + (version === 1 ? 16 : 8);
    edits.push({ segmentDuration, mediaTime, rate: buf.readInt16BE(rateAt) + buf.readUInt16BE(rateAt + 2) / 65536 });
  }
  return edits;
}

export function readFtyp(buf: Buffer): { majorBrand: string; minorVersion: number; compatibleBrands: string[] } {
  const body = buf.readUInt32BE(0) === 1 ? 16 : 8;
  const compatibleBrands: string[] = [];
  for (let at = body + 8; at + 4 <= buf.length; at += 4) compatibleBrands.push(buf.toString('latin1', at, at + 4));
  return { majorBrand: buf.length >= body + 4 ? buf.toString('latin1', body, body + 4) : '', minorVersion: buf.length >= body + 8 ? buf.readUInt32BE(body + 4) : 0, compatibleBrands };
}
