import { parseFrameHeader } from './frame-header.ts';
import { crc16, LAME_EXTENSION_BYTES, XING_FLAGS, xingOffset } from './info-tag.ts';

export interface InfoFrameRequest {
  /** The first audio frame's 4 header bytes: version, sample rate and channel mode are copied. */
  audioHeader: Uint8Array;
  /** Every audio frame has the same bitrate ("Info") or not ("Xing"). */
  constantBitrate: boolean;
  /** Sizes of the audio frames that follow, in order (the TOC is computed from them). */
  frameSizes: Iterable<number>;
  frameCount: number;
  audioBytes: number;
  delaySamples: number;
  paddingSamples: number;
  /** A LAME extension to carry on (its encoder and settings fields); without one none is written. */
  lameTemplate: Uint8Array | null;
}

/**
 * The tag frame that goes before the joined audio: a Layer III frame of silence holding a
 * Xing/Info tag (frames, bytes, TOC, quality) and, when the chunks had one, the LAME extension with
 * the delay and padding to trim. The music CRC is left 0: it covers audio bytes not yet read when
 * this frame is written first (decoders do not check it); the tag CRC is LAME's.
 */
export function buildInfoFrame(request: InfoFrameRequest): Buffer {
  const template = parseFrameHeader(request.audioHeader);
  if (!template.ok) throw new RangeError(`template header: ${template.reason}`);
  const h = template.header;
  const tagOffset = xingOffset(h);
  const needed = tagOffset + 120 + (request.lameTemplate ? LAME_EXTENSION_BYTES : 0);
  const [b1, b2, b3] = [request.audioHeader[1] | 1, request.audioHeader[2], request.audioHeader[3]];
  let frame: Buffer | null = null;
  for (let bitrateIndex = 1; bitrateIndex < 15 && !frame; bitrateIndex++) {
    const header = Buffer.from([0xff, b1, (bitrateIndex << 4) | (b2 & 0x0d), b3]);
    const parsed = parseFrameHeader(header);
    if (parsed.ok && parsed.header.frameSize >= needed) {
      frame = Buffer.alloc(parsed.header.frameSize);
      header.copy(frame);
    }
  }
  if (!frame) throw new RangeError('no Layer III bitrate gives a frame large enough for the tag');
  const musicLength = frame.length + request.audioBytes;
  let p = tagOffset + frame.write(request.constantBitrate ? 'Info' : 'Xing', tagOffset, 'latin1');
  p = frame.writeUInt32BE(XING_FLAGS.frames | XING_FLAGS.bytes | XING_FLAGS.toc | XING_FLAGS.quality, p);
  p = frame.writeUInt32BE(request.frameCount, p);
  p = frame.writeUInt32BE(musicLength, p);
  writeToc(frame.subarray(p, p + 100), request.frameSizes, request.frameCount, frame.length, musicLength);
  p += 100;
  p = frame.writeUInt32BE(0, p); // quality: not known for a join
  if (request.lameTemplate) {
    const lame = frame.subarray(p, p + LAME_EXTENSION_BYTES);
    lame.set(request.lameTemplate);
    lame[21] = request.delaySamples >> 4;
    lame[22] = ((request.delaySamples & 0x0f) << 4) | (request.paddingSamples >> 8);
    lame[23] = request.paddingSamples & 0xff;
    lame.writeUInt32BE(musicLength >>> 0, 28);
    lame.writeUInt16BE(0, 32);
    lame.writeUInt16BE(crc16(frame.subarray(0, p + 34)), 34);
  }
  return frame;
}

/** TOC entry i: where i% of the frames has been reached, as a 256th of the stream's bytes. */
function writeToc(toc: Buffer, frameSizes: Iterable<number>, frameCount: number, tagBytes: number, totalBytes: number): void {
  let frame = 0;
  let at = tagBytes;
  let entry = 0;
  for (const size of frameSizes) {
    while (entry < 100 && frame >= Math.floor((entry * frameCount) / 100)) toc[entry++] = Math.min(255, Math.floor((at * 256) / totalBytes));
    at += size;
    frame++;
  }
  while (entry < 100) toc[entry++] = 255;
}
