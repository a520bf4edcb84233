import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from './hash.ts';

describe('hashFile', () => {
  it('gives the SHA-256 and size of a file larger than one read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hash-'));
    try {
      const file = join(dir, 'data.bin');
      const bytes = Buffer.alloc(3 * (1 << 20) + 12345);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
      writeFileSync(file, bytes);
      const expected = createHash('sha256').update(readFileSync(file)).digest('hex');
      expect(await hashFile(file)).toEqual({ sha256: expected, sizeBytes: bytes.length });
      writeFileSync(file, '');
      expect(await hashFile(file)).toEqual({ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', sizeBytes: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects with the file system error of a missing file', async () => {
    await expect(hashFile('/nonexistent/acsrec/file.mp4')).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('/nonexistent/acsrec/file.mp4') });
  });
});
