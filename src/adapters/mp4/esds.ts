import { childBoxes, type BoxSpan } from './boxes.ts';

/** Reads an MPEG-4 descriptor header (ISO/IEC 14496-1 8.3.3): tag, then a 7-bit-per-byte length. */
function descriptor(buf: Buffer, at: number): { tag: number; body: number; end: number } {
  const tag = buf[at];
  let length = 0;
  let p = at + 1;
  for (let i = 0; i < 4; i++) {
    const byte = buf[p++];
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return { tag, body: p, end: Math.min(p + length, buf.length) };
}

/** The objectTypeIndication and DecoderSpecificInfo of an esds box (ES_Descriptor > DecoderConfigDescriptor). */
export function readEsds(buf: Buffer, esds: BoxSpan): { objectTypeIndication: number; config: Uint8Array | null } | null {
  const es = descriptor(buf, esds.body + 4);
  if (es.tag !== 3) return null;
  const flags = buf[es.body + 2];
  let p = es.body + 3;
  if (flags & 0x80) p += 2;
  if (flags & 0x40) p += 1 + buf[p];
  if (flags & 0x20) p += 2;
  const decoderConfig = descriptor(buf, p);
  if (decoderConfig.tag !== 4) return null;
  const objectTypeIndication = buf[decoderConfig.body];
  const specific = decoderConfig.body + 13 < decoderConfig.end ? descriptor(buf, decoderConfig.body + 13) : null;
  const config = specific?.tag === 5 ? new Uint8Array(buf.subarray(specific.body, specific.end)) : null;
  return { objectTypeIndication, config };
}

/** Finds an esds box among boxes laid out in buf[start, end), looking into QuickTime's 'wave' box. */
export function findEsds(buf: Buffer, start: number, end: number): BoxSpan | null {
  for (const box of childBoxes(buf, start, end)) {
    if (box.type === 'esds') return box;
    if (box.type === 'wave') {
      const inner = findEsds(buf, box.body, box.end);
      if (inner) return inner;
    }
  }
  return null;
}
