/** A box inside a buffer: offsets relative to that buffer. */
export interface BoxSpan {
  type: string;
  start: number;
  /** Where the payload starts (after the size/type header, before version/flags). */
  body: number;
  end: number;
}

/** A box whose children cannot be read the way its size promises. */
export class MalformedBoxError extends Error {}

/** The boxes laid out back to back in buf[start, end). */
export function childBoxes(buf: Buffer, start: number, end: number): BoxSpan[] {
  const boxes: BoxSpan[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    let body = offset + 8;
    if (size === 1) {
      if (offset + 16 > end) throw new MalformedBoxError(`box '${type}' is cut short`);
      size = Number(buf.readBigUInt64BE(offset + 8));
      body = offset + 16;
    } else if (size === 0) size = end - offset;
    if (size < body - offset || offset + size > end) throw new MalformedBoxError(`box '${type}' needs ${size} bytes but its parent has ${end - offset} left`);
    boxes.push({ type, start: offset, body, end: offset + size });
    offset += size;
  }
  return boxes;
}

/** The children of a container box. */
export function childrenOf(buf: Buffer, box: BoxSpan): BoxSpan[] {
  return childBoxes(buf, box.body, box.end);
}

export function findChild(buf: Buffer, box: BoxSpan, type: string): BoxSpan | undefined {
  return childrenOf(buf, box).find((child) => child.type === type);
}

/** Finds a box by a path of types below a container ('mdia/minf/stbl'). */
export function findPath(buf: Buffer, box: BoxSpan, path: string): BoxSpan | undefined {
  let current: BoxSpan | undefined = box;
  for (const type of path.split('/')) {
    if (!current) return undefined;
    current = findChild(buf, current, type);
  }
  return current;
}

/** A full box's version and flags, and where its fields start. */
export function fullBox(buf: Buffer, box: BoxSpan): { version: number; flags: number; fields: number } {
  if (box.body + 4 > box.end) throw new MalformedBoxError(`box '${box.type}' is too short for a version and flags`);
  return { version: buf[box.body], flags: buf.readUIntBE(box.body + 1, 3), fields: box.body + 4 };
}

/** Throws unless buf[from, from + bytes) lies inside the box. */
export function need(box: BoxSpan, from: number, bytes: number): void {
  if (from + bytes > box.end) throw new MalformedBoxError(`box '${box.type}' is shorter than its fields and tables say`);
}

export function bytesOf(buf: Buffer, box: BoxSpan | undefined): Uint8Array | null {
  return box ? new Uint8Array(buf.subarray(box.start, box.end)) : null;
}
