const MAX_UINT32 = 0xffffffff;

/**
 * A box whose size is known before its bytes exist, so a whole moov is sized by arithmetic and
 * then written once into one buffer.
 */
export interface BoxPlan {
  size: number;
  /** Writes the box at `at`; returns where the next box starts. */
  writeTo(target: Buffer, at: number): number;
}

export function headerAt(target: Buffer, at: number, type: string, size: number): number {
  if (size > MAX_UINT32) throw new RangeError(`box '${type}' of ${size} bytes needs a 64-bit size`);
  target.writeUInt32BE(size, at);
  target.write(type, at + 4, 4, 'latin1');
  return at + 8;
}

/** A full box's header: size, type, version, 24-bit flags. */
export function fullHeaderAt(target: Buffer, at: number, type: string, size: number, version: number): number {
  headerAt(target, at, type, size);
  target.writeUInt32BE((version & 0xff) << 24, at + 8);
  return at + 12;
}

/** Bytes already made (small boxes: tkhd, stsd, hdlr, ...). */
export function bytesPlan(bytes: Uint8Array): BoxPlan {
  return { size: bytes.length, writeTo(target, at) {
      target.set(bytes, at);
      return at + bytes.length;
    } };
}

export function containerPlan(type: string, children: readonly (BoxPlan | null)[]): BoxPlan {
  const present = children.filter((child): child is BoxPlan => child !== null);
  const size = present.reduce((sum, child) => sum + child.size, 8);
  return {
    size,
    writeTo(target, at) {
      let next = headerAt(target, at, type, size);
      for (const child of present) next = child.writeTo(target, next);
      return next;
    },
  };
}

export function planBytes(plan: BoxPlan): Buffer {
  const out = Buffer.alloc(plan.size);
  const end = plan.writeTo(out, 0);
  if (end !== plan.size) throw new RangeError(`box plan wrote ${end} bytes, sized ${plan.size}`);
  return out;
}
