import type { FileHandle } from 'node:fs/promises';

/**
 * A forward-moving window over a file: the parser reads headers a few bytes at a time without
 * loading the file (a 4-hour MP3 is hundreds of MB) and without one read per frame.
 */
export class FileWindow {
  private buffer: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    capacity = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Whether `length` bytes at `offset` (clipped to the file) are in the window. */
  covers(offset: number, length: number): boolean {
    return offset >= this.start && Math.min(offset + length, this.size) <= this.start + this.length;
  }

  /** Makes `length` bytes at `offset` (clipped to the file) available; returns them. */
  async read(offset: number, length: number): Promise<Buffer> {
    if (!this.covers(offset, length)) {
      if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.handle.read(this.buffer, 0, Math.min(this.buffer.length, this.size - offset), offset);
      this.start = offset;
      this.length = bytesRead;
    }
    return this.view(offset, length);
  }

  /** The bytes at `offset` once `covers` said so (no copy; valid until the next read). */
  view(offset: number, length: number): Buffer {
    const from = offset - this.start;
    return this.buffer.subarray(from, Math.min(from + length, this.length));
  }
}
