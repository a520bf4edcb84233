import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const layout = JSON.stringify(new URL('./layout.ts', import.meta.url).href);
const arena = JSON.stringify(new URL('./table-arena.ts', import.meta.url).href);
const SAMPLES = 2_000_000;

// every sample a chunk of its own (the descriptions alternate), as in a recording's interleaved
// files: the layout's chunk table is 14 bytes a sample, 28 MB here, all of it written
const script = `
import { readFileSync } from 'node:fs';
import { layoutMp4 } from ${layout};
import { detachABufferFirst, freeBuffersNow } from ${arena};
detachABufferFirst();
const n = ${SAMPLES};
const kb = (key) => Number(readFileSync('/proc/self/status', 'utf8').match(new RegExp(key + ':\\\\s+(\\\\d+)'))[1]);
const box = (type, body) => { const b = Buffer.alloc(8 + body.length); b.writeUInt32BE(8 + body.length); b.write(type, 4, 'latin1'); body.copy(b, 8); return b; };
const samples = {
  count: n, durations: new Uint32Array(n).fill(512), compositionOffsets: new Int32Array(n), sizes: new Uint32Array(n).fill(100),
  sync: new Uint8Array(n).fill(1), descriptionIndex: new Uint16Array(n).map((_, i) => 1 + (i % 2)), piece: new Uint32Array(n),
  pieceOffset: new Float64Array(n).map((_, i) => i * 100),
};
const track = { id: 1, kind: 'video', timescale: 12800, language: 'und', width: 1920, height: 1080, edits: [], samples,
  raw: { hdlr: box('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from('vide'), Buffer.alloc(13)])), mediaHeader: null, dinf: null },
  sampleEntries: [box('zzz1', Buffer.alloc(8)), box('zzz2', Buffer.alloc(8))] };
const job = { movieTimescale: 1000, ftyp: { majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom'] }, tracks: [track], sources: ['s.mp4'], pieces: [{ kind: 'file', source: 0, start: 0, end: n * 100 }] };
const before = kb('RssAnon');
const result = layoutMp4(job);
const chunks = result.chunkCounts[0];
freeBuffersNow([result.head.buffer]);
await new Promise((resolve) => setTimeout(resolve, 0));
console.log(JSON.stringify({ chunks, grewKb: kb('RssAnon') - before }));
`;

describe('layoutMp4 and memory', () => {
  it('gives its chunk table back once the moov is written, not at a garbage collection that may never come', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const { chunks, grewKb } = JSON.parse(child.stdout.trim()) as { chunks: number; grewKb: number };
    expect(chunks).toBe(SAMPLES);
    // the chunk table alone is 28 MB (14 bytes a sample); what stays is V8's own growth
    expect(grewKb).toBeLessThan(8 * 1024);
  });
});
