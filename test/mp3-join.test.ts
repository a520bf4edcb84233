import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../src/adapters/ffmpeg/binary.ts';
import { probeMp3, type Mp3Probe } from '../src/adapters/mp3/probe.ts';
import { writeJoinedMp3 } from '../src/adapters/mp3/write-joined.ts';
import { planMp3Join, type Mp3JoinPlan } from '../src/timeline/mp3-join-plan.ts';

/**
 * The proof by decoding: 9 chunks made by libmp3lame (16 kHz mono, 576 samples a frame), each
 * with 1 kHz beeps at known instants, joined by us and by a byte `cat`; ffmpeg decodes both and an
 * energy threshold finds the beeps. Where they should be comes from the lengths the chunks were
 * made with (what the encoder was fed), not from the parser.
 */
const RATE = 16000;
const HALF_FRAME = 288; // 18 ms
const LENGTHS = [40000, 40123, 39871, 40300, 40555, 40007, 40288, 40411, 40999];
const remainders = LENGTHS.map((n) => n % 576);
const BEEPS = (k: number) => [7919 + 41 * k, 27000 + 53 * k]; // local sample of each beep's onset
const BEEP_SAMPLES = 1200;

const dir = mkdtempSync(join(tmpdir(), 'mp3-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(binary: string, args: string[]) {
  const result = spawnSync(binary, args, { maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: String(result.stderr) };
}

/** Even chunks by the embedded ffmpeg 4.1, odd ones by Debian's 5.1: their libmp3lame tags both count. */
function encode(name: string, pcm: Buffer, o: { k?: number; rate?: number; channels?: number; bitrate?: string; quality?: string } = {}): string {
  const raw = join(dir, `${name}.pcm`);
  writeFileSync(raw, pcm);
  const file = join(dir, `${name}.mp3`);
  const binary = (o.k ?? 0) % 2 ? '/usr/bin/ffmpeg' : ffmpegPath();
  const input = ['-f', 's16le', '-ar', String(o.rate ?? RATE), '-ac', '1', '-i', raw];
  const made = run(binary, ['-v', 'error', '-y', ...input, '-ac', String(o.channels ?? 1), '-c:a', 'libmp3lame', ...(o.quality ? ['-q:a', o.quality] : ['-b:a', o.bitrate ?? '32k']), file]);
  expect(made.status, made.stderr).toBe(0);
  return file;
}

function beepPcm(length: number, onsets: number[], rate = RATE): Buffer {
  const pcm = Buffer.alloc(length * 2);
  for (const onset of onsets) {
    for (let i = 0; i < BEEP_SAMPLES; i++) pcm.writeInt16LE(Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / rate)), (onset + i) * 2);
  }
  return pcm;
}

function decode(file: string, binary = ffmpegPath()): Int16Array {
  const result = run(binary, ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-']);
  expect(result.status, result.stderr).toBe(0);
  return new Int16Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.length / 2);
}

/** Beep onsets: the first sample above half of full scale after a quarter second of quiet. */
function beepOnsets(samples: Int16Array, rate = RATE): number[] {
  const onsets: number[] = [];
  let lastLoud = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]) > 8000) {
      if (i - lastLoud > rate / 4) onsets.push(i);
      lastLoud = i;
    }
  }
  return onsets;
}

let chunkFiles: string[];
let probes: Mp3Probe[];
let plan: Mp3JoinPlan;
let ours: string;
let naive: string;
let result: Awaited<ReturnType<typeof writeJoinedMp3>>;
/** Where each beep of each chunk must land: earlier chunks' lengths + where it decodes in its own chunk. */
let expected: number[][];

beforeAll(async () => {
  chunkFiles = LENGTHS.map((n, k) => encode(`chunk-${k}`, beepPcm(n, BEEPS(k)), { k }));
  let before = 0;
  expected = chunkFiles.map((file, k) => {
    const local = beepOnsets(decode(file));
    expect(local).toHaveLength(2);
    const at = local.map((t) => before + t);
    before += LENGTHS[k];
    return at;
  });
  probes = await Promise.all(chunkFiles.map((file) => probeMp3(file)));
  plan = planMp3Join(probes);
  ours = join(dir, 'recording.mp3');
  result = await writeJoinedMp3({ plan, chunks: probes, outFile: ours });
  naive = join(dir, 'cat.mp3');
  writeFileSync(naive, Buffer.concat(chunkFiles.map((file) => readFileSync(file))));
}, 120_000);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('joining 9 MP3 chunks by frame copy', () => {
  it('uses chunks of different remainders of 576, each probed to the length it was made with', () => {
    expect(new Set(remainders).size).toBe(LENGTHS.length);
    expect(probes.map((p) => p.presentedSamples)).toEqual(LENGTHS);
  });

  it('puts every beep within half a frame of where the summed lengths say; a byte cat drifts beyond', () => {
    const found = { ours: beepOnsets(decode(ours)), cat: beepOnsets(decode(naive)) };
    const flat = expected.flat();
    expect(found.ours).toHaveLength(flat.length);
    expect(found.cat).toHaveLength(flat.length);
    const errors = { ours: found.ours.map((t, i) => t - flat[i]), cat: found.cat.map((t, i) => t - flat[i]) };
    const table = expected.map((_, k) => ({ chunk: k, ourMs: [errors.ours[2 * k], errors.ours[2 * k + 1]].map((e) => +((e * 1000) / RATE).toFixed(2)), catMs: [errors.cat[2 * k], errors.cat[2 * k + 1]].map((e) => +((e * 1000) / RATE).toFixed(2)) }));
    console.log(`plan: ${JSON.stringify(plan.chunks.map((p) => [p.firstFrame, p.lastFrame, p.placementErrorSamples, p.cutSamples]))}`);
    console.log('beep offset from the ideal (ms), ours vs cat:\n' + table.map((r) => `  chunk ${r.chunk}: ours ${r.ourMs.join(', ')}  cat ${r.catMs.join(', ')}`).join('\n'));
    for (const e of errors.ours) expect(Math.abs(e)).toBeLessThanOrEqual(HALF_FRAME);
    // And where the plan said it would put them (the detector finds a sine onset within 2 samples).
    plan.chunks.forEach((p, k) => expect(Math.abs(errors.ours[2 * k] - p.placementErrorSamples)).toBeLessThanOrEqual(2));
    // The control: the cat's last chunk is placed far outside half a frame (delay + padding + tag frame, 8 times).
    expect(Math.abs(errors.cat[errors.cat.length - 1])).toBeGreaterThan(HALF_FRAME);
    expect(errors.cat.filter((e) => Math.abs(e) > HALF_FRAME).length).toBeGreaterThanOrEqual(14);
    // Ours does not accumulate: the last join is no worse than half a frame, whatever the first ones did.
    expect(Math.abs(errors.ours[errors.ours.length - 1])).toBeLessThanOrEqual(HALF_FRAME);
  });

  it('decodes to the summed length, within half a frame, with the tag trimming both ends', () => {
    const total = LENGTHS.reduce((a, b) => a + b, 0);
    for (const binary of [ffmpegPath(), '/usr/bin/ffmpeg']) expect(Math.abs(decode(ours, binary).length - total)).toBeLessThanOrEqual(HALF_FRAME);
    const ffprobe = JSON.parse(String(run('/usr/bin/ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=start_time,nb_read_packets', '-of', 'json', ours]).stdout)).streams[0];
    expect(Number(ffprobe.nb_read_packets)).toBe(plan.frameCount);
    expect(Math.round(Number(ffprobe.start_time) * RATE)).toBe(probes[0].encoderDelaySamples + 529);
  });

  it.each([['embedded ffmpeg 4.1', ffmpegPath()], ['Debian ffmpeg 5.1', '/usr/bin/ffmpeg']])('%s decodes ours with no error (-xerror)', (_, binary) => {
    const decoded = run(binary, ['-v', 'error', '-xerror', '-i', ours, '-f', 'null', '-']);
    expect(decoded.status, decoded.stderr).toBe(0);
    expect(decoded.stderr).toBe('');
  });

  it('starts with one Info/LAME tag frame: frames, bytes, the first delay, the last padding, LAME\'s tag CRC', async () => {
    const bytes = readFileSync(ours);
    // 16 kHz mono MPEG-2: the tag sits after the 4-byte header and 9 bytes of side information.
    expect(bytes.toString('latin1', 13, 17)).toBe('Info');
    expect(bytes.readUInt32BE(17)).toBe(0x0f);
    const ffprobe = JSON.parse(String(run('/usr/bin/ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'json', ours]).stdout)).streams[0];
    expect(bytes.readUInt32BE(21)).toBe(Number(ffprobe.nb_read_packets));
    expect(bytes.readUInt32BE(25)).toBe(bytes.length);
    const lame = 13 + 120;
    expect(bytes.toString('latin1', lame, lame + 4)).toBe('Lavc'); // the chunks' encoder, carried on
    const delay = (bytes[lame + 21] << 4) | (bytes[lame + 22] >> 4);
    const padding = ((bytes[lame + 22] & 15) << 8) | bytes[lame + 23];
    expect(delay).toBe(Math.round(Number(JSON.parse(String(run('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'stream=start_time', '-of', 'json', chunkFiles[0]]).stdout)).streams[0].start_time) * RATE) - 529);
    const lastFrames = (await probeMp3(chunkFiles[8])).frameCount;
    expect(padding).toBe(lastFrames * 576 - 576 - LENGTHS[8]);
    expect(bytes.readUInt32BE(lame + 28)).toBe(bytes.length);
    // TOC: 100 byte positions in 256ths; constant bitrate, so entry i is about 256 * i / 100.
    const toc = Array.from(bytes.subarray(29, 129));
    toc.forEach((v, i) => expect(Math.abs(v - (256 * i) / 100)).toBeLessThanOrEqual(2));
    let crc = 0; // CRC-16/ARC, bit by bit, over the tag frame up to the CRC field
    for (const byte of bytes.subarray(0, lame + 34)) {
      crc ^= byte;
      for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    expect(bytes.readUInt16BE(lame + 34)).toBe(crc);
    const warnings = run('/usr/bin/ffmpeg', ['-v', 'warning', '-i', ours, '-f', 'null', '-']);
    expect(warnings.stderr).toBe('');
  });

  it('reports the hashes and size of what it read and wrote', () => {
    expect(result.sha256).toBe(sha256(ours));
    expect(result.sizeBytes).toBe(readFileSync(ours).length);
    expect(result.sources).toEqual(chunkFiles.map((file) => ({ sha256: sha256(file), sizeBytes: readFileSync(file).length })));
  });
});

describe('the bit reservoir across a join', () => {
  // Sound right up to the joins (a tone in noise: LAME fills the reservoir), so that frames decoded
  // from the wrong bytes show. Chunk k's presented sample i is the joined output's sample
  // offsetSamples + i; frame j of a chunk decodes to presented samples from j * 576 - delay - 529.
  const lengths = [20000, 20123, 19871, 20300];
  let probes4: Mp3Probe[];
  let alone: Int16Array[];
  beforeAll(async () => {
    let seed = 1;
    let t = 0;
    const files = lengths.map((n, k) => {
      const pcm = Buffer.alloc(n * 2);
      for (let i = 0; i < n; i++, t++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * t) / RATE) + 1500 * (seed / 0x7fffffff - 0.5)), i * 2);
      }
      return encode(`tone-${k}`, pcm, { k });
    });
    probes4 = await Promise.all(files.map((file) => probeMp3(file)));
    alone = files.map((file) => decode(file));
  }, 60_000);

  /** Largest sample difference from the chunk decoded alone, per 576-sample block from frame `from`. */
  function differences(joined: Int16Array, p: Mp3JoinPlan, k: number, from: number, blocks: number): number[] {
    return Array.from({ length: blocks }, (_, b) => {
      const start = (from + b) * 576 - probes4[k].encoderDelaySamples - 529;
      let max = 0;
      for (let i = Math.max(0, start); i < Math.min(start + 576, alone[k].length); i++) max = Math.max(max, Math.abs(joined[i + p.chunks[k].offsetSamples] - alone[k][i]));
      return max;
    });
  }

  it('hands the borrowed bytes over: from 2 frames after each join ours decodes exactly as the chunk alone; without the hand-over it does not', async () => {
    const plan4 = planMp3Join(probes4);
    expect(plan4.chunks.slice(1).every((c) => c.firstFrame > 0 && c.handOverBytes > 0)).toBe(true);
    const withHandOver = join(dir, 'tone-joined.mp3');
    await writeJoinedMp3({ plan: plan4, chunks: probes4, outFile: withHandOver });
    const control = join(dir, 'tone-no-hand-over.mp3');
    await writeJoinedMp3({ plan: { ...plan4, chunks: plan4.chunks.map((c) => ({ ...c, handOverBytes: 0 })) }, chunks: probes4, outFile: control });
    const ours4 = decode(withHandOver);
    const broken = decode(control);
    for (let k = 1; k < lengths.length; k++) {
      const c = plan4.chunks[k];
      const ourAfter = differences(ours4, plan4, k, c.firstFrame + 2, 4);
      const brokenAfter = differences(broken, plan4, k, c.firstFrame + 2, 4);
      // The earlier chunk up to its last kept frame (whose free tail took the bytes) is untouched too.
      const ourBefore = differences(ours4, plan4, k - 1, plan4.chunks[k - 1].lastFrame - 3, 4);
      console.log(`join ${k}: hand-over ${c.handOverBytes} bytes; max difference from the chunk alone, blocks f+2..f+5: ours ${ourAfter.join(' ')}, without hand-over ${brokenAfter.join(' ')}; last 4 blocks before: ${ourBefore.join(' ')}`);
      expect(ourAfter).toEqual([0, 0, 0, 0]);
      expect(ourBefore).toEqual([0, 0, 0, 0]);
      expect(Math.max(...brokenAfter)).toBeGreaterThan(500);
    }
    for (const binary of [ffmpegPath(), '/usr/bin/ffmpeg']) {
      const decoded = run(binary, ['-v', 'error', '-xerror', '-i', withHandOver, '-f', 'null', '-']);
      expect([decoded.status, decoded.stderr]).toEqual([0, '']);
    }
  });
});

describe.each([
  ['MPEG-1 chunks (44.1 kHz stereo, 1152 samples a frame)', 44100, 2, { bitrate: '128k' }, [100000, 100500, 99333, 101111], 'Info'],
  ['VBR chunks (16 kHz mono, Xing tags, the reservoir used hard)', 16000, 1, { quality: '6' }, [30000, 30411, 29555, 31234], 'Xing'],
] as const)('%s', (name, rate, channels, quality, lengths, tagKind) => {
  const halfFrame = rate > 32000 ? 576 : 288;
  it('places each beep within half a frame of the summed lengths; a cat does not', async () => {
    const tag = name.slice(0, 4).toLowerCase();
    const files = lengths.map((n, k) => encode(`${tag}-${k}`, beepPcm(n, [20000 + 97 * k], rate), { k, rate, channels, ...quality }));
    let before = 0;
    const expected44 = files.map((file, k) => {
      const [local] = beepOnsets(decode(file), rate);
      before += lengths[k];
      return before - lengths[k] + local;
    });
    const chunks = await Promise.all(files.map((file) => probeMp3(file)));
    expect(chunks.map((c) => [c.presentedSamples, c.samplesPerFrame, c.channels])).toEqual(lengths.map((n) => [n, rate > 32000 ? 1152 : 576, channels]));
    const out = join(dir, `${tag}.mp3`);
    await writeJoinedMp3({ plan: planMp3Join(chunks), chunks, outFile: out });
    expect(readFileSync(out).toString('latin1', 4 + (channels === 2 ? 32 : 9), 8 + (channels === 2 ? 32 : 9))).toBe(tagKind);
    const naive44 = join(dir, `${tag}-cat.mp3`);
    writeFileSync(naive44, Buffer.concat(files.map((file) => readFileSync(file))));
    const ourErrors = beepOnsets(decode(out), rate).map((t, i) => t - expected44[i]);
    const catErrors = beepOnsets(decode(naive44), rate).map((t, i) => t - expected44[i]);
    console.log(`${name}: beep offsets (samples), ours ${ourErrors.join(' ')}, cat ${catErrors.join(' ')}`);
    expect(ourErrors).toHaveLength(4);
    for (const e of ourErrors) expect(Math.abs(e)).toBeLessThanOrEqual(halfFrame);
    expect(Math.abs(catErrors[3])).toBeGreaterThan(halfFrame);
    for (const binary of [ffmpegPath(), '/usr/bin/ffmpeg']) {
      const decoded = run(binary, ['-v', 'error', '-xerror', '-i', out, '-f', 'null', '-']);
      expect([decoded.status, decoded.stderr]).toEqual([0, '']);
    }
  });
});
