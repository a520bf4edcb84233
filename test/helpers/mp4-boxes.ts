import { open } from 'node:fs/promises';

/**
 * The top-level box types of an MP4 in file order, read from the box headers alone (independently
 * of the pipeline's reader), so a test can tell fast start (moov before mdat) and fragments (moof).
 */
export async function topLevelBoxTypes(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    const types: string[] = [];
    for (let offset = 0; offset < fileSize; ) {
      await handle.read(header, 0, 16, offset);
      const size32 = header.readUInt32BE(0);
      const size = size32 === 1 ? Number(header.readBigUInt64BE(8)) : size32 === 0 ? fileSize - offset : size32;
      if (size < 8) throw new Error(`${file}: box at byte ${offset} has size ${size}`);
      types.push(header.toString('latin1', 4, 8));
      offset += size;
    }
    return types;
  } finally {
    await handle.close();
  }
}
