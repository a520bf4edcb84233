import { open, type FileHandle } from 'node:fs/promises';
import { loadSharp } from './sharp.ts';

const VIPS_HEADER_BYTES = 64;
// little-endian ("Intel") magic, as libvips writes it on x86; see libvips/iofuncs/vips.c
const VIPS_MAGIC_INTEL = [0xb6, 0xa6, 0xf2, 0x08];
const VIPS_FORMAT_UCHAR = 0;
const VIPS_INTERPRETATION_SRGB = 22;

/** The 64-byte header of an uncompressed 8-bit RGB image in libvips' own file format. */
export function vipsRgbHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(VIPS_HEADER_BYTES);
  Buffer.from(VIPS_MAGIC_INTEL).copy(header, 0);
  header.writeInt32LE(width, 4);
  header.writeInt32LE(height, 8);
  header.writeInt32LE(3, 12);
  header.writeInt32LE(VIPS_FORMAT_UCHAR, 20);
  header.writeInt32LE(0, 24);
  header.writeInt32LE(VIPS_INTERPRETATION_SRGB, 28);
  header.writeFloatLE(1, 32);
  header.writeFloatLE(1, 36);
  return header;
}

/**
 * A sprite sheet built on disk, tile by tile, then encoded by libvips: memory stays one strip of
 * tile rows however many thumbnails it holds (ffmpeg's tile filter kept the whole sheet, 0.4 MB a
 * thumbnail). Tiles land in a strip in memory that goes to the file in one write when a tile
 * outside it arrives (a write per pixel row cost 1 s of CPU for 240 thumbnails).
 */
export class SpriteSheet {
  private strip: { y: number; height: number; bytes: Buffer } | null = null;
  private spare: Buffer | null = null;
  /** The tile writes in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    readonly width: number,
    readonly height: number,
  ) {}

  /** An all-black sheet of the given size in `file` (a `.v` path in a work directory). */
  static async create(file: string, width: number, height: number): Promise<SpriteSheet> {
    const handle = await open(file, 'w+');
    try {
      await handle.write(vipsRgbHeader(width, height), 0, VIPS_HEADER_BYTES, 0);
      await handle.truncate(VIPS_HEADER_BYTES + width * height * 3);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new SpriteSheet(handle, file, width, height);
  }

  /**
   * Copies one raw RGB frame of `tileWidth` x `tileHeight` to the tile whose top-left corner is (x, y).
   * Calls may overlap: they run one after another, as the strip they share moves between rows.
   */
  writeTile(frame: Buffer, tileWidth: number, tileHeight: number, x: number, y: number): Promise<void> {
    const written = this.queue.then(() => this.placeTile(frame, tileWidth, tileHeight, x, y));
    this.queue = written.catch(() => undefined);
    return written;
  }

  private async placeTile(frame: Buffer, tileWidth: number, tileHeight: number, x: number, y: number): Promise<void> {
    if (x + tileWidth > this.width || y + tileHeight > this.height) throw new RangeError(`tile at ${x},${y} leaves the ${this.width}x${this.height} sheet`);
    if (frame.length < tileWidth * tileHeight * 3) throw new RangeError(`tile of ${tileWidth}x${tileHeight} needs ${tileWidth * tileHeight * 3} bytes, got ${frame.length}`);
    let strip = this.strip;
    if (!strip || y < strip.y || y + tileHeight > strip.y + strip.height) {
      await this.flush();
      // one strip buffer for the whole sheet: a fresh 1.7 MB strip per row of ten tiles piled
      // up as garbage faster than V8 collected it (41 MB for 240 thumbnails)
      const stripBytes = this.width * tileHeight * 3;
      if (!this.spare || this.spare.length < stripBytes) this.spare = Buffer.allocUnsafeSlow(stripBytes);
      strip = this.strip = { y, height: tileHeight, bytes: this.spare.subarray(0, stripBytes) };
      // what earlier writes left there (black if none)
      await this.handle.read(strip.bytes, 0, strip.bytes.length, VIPS_HEADER_BYTES + y * this.width * 3);
    }
    const rowBytes = tileWidth * 3;
    for (let row = 0; row < tileHeight; row++) {
      frame.copy(strip.bytes, ((y - strip.y + row) * this.width + x) * 3, row * rowBytes, (row + 1) * rowBytes);
    }
  }

  private async flush(): Promise<void> {
    const strip = this.strip;
    if (!strip) return;
    this.strip = null;
    const at = VIPS_HEADER_BYTES + strip.y * this.width * 3;
    for (let done = 0; done < strip.bytes.length; ) done += (await this.handle.write(strip.bytes, done, strip.bytes.length - done, at + done)).bytesWritten;
  }

  /**
   * Encodes the sheet as a baseline JPEG and closes it. Without optimised Huffman tables: to
   * optimise them libjpeg keeps the whole sheet's DCT coefficients (80 MB for 240 thumbnails);
   * with the standard tables it writes strip by strip. The pixels decode the same.
   */
  async writeJpeg(outFile: string, quality = 80): Promise<void> {
    await this.queue;
    await this.flush();
    await this.handle.close();
    const sharp = await loadSharp();
    await sharp(this.file, { sequentialRead: true }).jpeg({ quality, optimiseCoding: false }).toFile(outFile);
  }

  async close(): Promise<void> {
    await this.queue;
    this.strip = null;
    this.spare = null;
    await this.handle.close().catch(() => undefined);
  }
}
