import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/binary.ts';
import { parsedByMp4box } from './boxes/parsed-by-mp4box.ts';
import { joinJob, type SourceSample, type TestJob } from './mp4box-jobs.ts';
import { copyMp4, planMp4Copy, releaseSampleTables, writeMp4, type WriteMp4Options } from './writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'mp4-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const media = (name: string) => join(dir, name);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(result.status, `${command} ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

function render(name: string, video: string, audio: string, codec: string[]) {
  run('nice', [ffmpegPath(), '-v', 'error', '-y', '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', audio, ...codec, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', media(name)]);
}

beforeAll(() => {
  render('plain.mp4', 'testsrc=s=320x180:r=25:d=3', 'sine=f=440:r=48000:d=3', ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-g', '25']);
  const bframes = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high'];
  render('bframes.mp4', 'testsrc2=s=320x180:r=25:d=2.4', 'sine=f=660:r=48000:d=2.4', bframes);
  render('bframes-b.mp4', 'testsrc=s=320x180:r=25:d=1.64', 'sine=f=300:r=48000:d=1.7', bframes);
});

/** Top-level boxes by their headers, read here without mp4box.js. */
function topLevelTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    types.push(bytes.toString('latin1', at + 4, at + 8));
    expect(size).toBeGreaterThanOrEqual(8);
    at += size;
  }
  return types;
}

interface Packet {
  stream_index: number;
  pts: number;
  dts: number;
  duration: number;
  size: number;
  flags: string;
}

function ffprobePackets(file: string): Packet[] {
  // Raw sample times: the edit list is checked apart, through mp4box.js's elst.
  const { stdout } = run('/usr/bin/ffprobe', ['-v', 'error', '-ignore_editlist', '1', '-show_entries', 'packet=stream_index,pts,dts,duration,size,flags', '-of', 'json', file]);
  return (JSON.parse(stdout) as { packets: Packet[] }).packets;
}

/** Writes the job and proves the output is what the tables say, to mp4box.js, ffprobe, both ffmpegs and byte by byte. */
async function writeAndCheck({ job, expected, parsed }: TestJob, options: WriteMp4Options = {}) {
  const result = await writeMp4(job, options);
  const bytes = readFileSync(job.outFile);
  expect(result.sizeBytes).toBe(bytes.length);
  expect(result.sha256).toBe(sha256(bytes));
  expect(result.sources).toEqual(parsed.map((p) => ({ sha256: sha256(p.bytes), sizeBytes: p.bytes.length })));
  expect(topLevelTypes(bytes)).toEqual(['ftyp', 'moov', 'mdat']);

  const iso = parsedByMp4box(bytes) as unknown as { moov: { traks: Record<string, any>[]; mvhd: Record<string, any> } };
  const packets = ffprobePackets(job.outFile);
  expect(iso.moov.traks).toHaveLength(job.tracks.length);
  iso.moov.traks.forEach((trak, t) => {
    const samples = trak.samples as Record<string, any>[];
    const sources: SourceSample[] = expected[t];
    expect(samples).toHaveLength(sources.length);
    // Times continue across a join: each sample's decode time is the sum of the durations before it.
    let dts = 0;
    samples.forEach((sample, i) => {
      const source = sources[i];
      const from = parsed[source.source].bytes;
      expect(sha256(bytes.subarray(sample.offset, sample.offset + sample.size)), `track ${t} sample ${i}`).toBe(sha256(from.subarray(source.offset, source.offset + source.size)));
      // The source's composition offset, unless the test shifted it (job input, not writer output).
      const offset = job.tracks[t].samples.compositionOffsets[i];
      expect([sample.dts, sample.cts - sample.dts, sample.duration, sample.is_sync]).toEqual([dts, offset, source.duration, source.sync]);
      dts += source.duration;
    });
    expect(trak.mdia.mdhd.duration).toBe(dts);
    const edits = job.tracks[t].edits;
    expect((trak.edts?.elst.entries ?? []).map((e: Record<string, number>) => [e.segment_duration, e.media_time])).toEqual(edits.map((e) => [e.segmentDuration, e.mediaTime]));
    expect(trak.tkhd.duration).toBe(edits.reduce((sum, e) => sum + e.segmentDuration, 0));

    const streamPackets = packets.filter((p) => p.stream_index === t);
    // ffmpeg moves decode times back by the most negative composition offset, so that pts >= dts.
    const dtsShift = Math.max(0, ...samples.map((s) => s.dts - s.cts));
    expect(streamPackets.map((p) => [p.pts, p.dts, p.duration, Number(p.size), p.flags.startsWith('K')])).toEqual(
      samples.map((s) => [s.cts, s.dts - dtsShift, s.duration, s.size, s.is_sync]),
    );
  });
  expect(iso.moov.mvhd.duration).toBe(Math.max(...iso.moov.traks.map((trak) => trak.tkhd.duration)));
  for (const ffmpeg of [ffmpegPath(), '/usr/bin/ffmpeg']) {
    const decode = run(ffmpeg, ['-v', 'error', '-xerror', '-i', job.outFile, '-map', '0:v', '-map', '0:a', '-f', 'null', '-']);
    expect(decode.stderr, ffmpeg).toBe('');
  }
  return { result, bytes, iso };
}

describe('writeMp4 on real files', () => {
  it('remuxes an H.264 + AAC file as a fast-start file with the same samples', async () => {
    const { iso } = await writeAndCheck(joinJob([media('plain.mp4')], media('plain-out.mp4')));
    const [video] = iso.moov.traks;
    expect(video.mdia.minf.stbl.ctts).toBeUndefined();
    expect(iso.moov.mvhd.next_track_id).toBe(3);
  });

  it('remuxes B-frames: ctts version 0 with the source offsets, stss for the keyframes', async () => {
    const test = joinJob([media('bframes.mp4')], media('bframes-out.mp4'));
    const { iso } = await writeAndCheck(test, { blocks: 2 });
    const stbl = iso.moov.traks[0].mdia.minf.stbl;
    expect(stbl.ctts.version).toBe(0);
    expect(stbl.stss.sample_numbers.length).toBeGreaterThan(0);
    // The source's interleaving is kept, so its runs stay runs: no more chunks than it has.
    iso.moov.traks.forEach((trak, t) => {
      const source = test.parsed[0].tracks[t].trak.mdia.minf.stbl.stco.chunk_offsets.length;
      expect(trak.mdia.minf.stbl.stco.chunk_offsets.length).toBeLessThanOrEqual(source);
    });
  });

  it('joins two files back to back, each track continuing where it ended', async () => {
    const test = joinJob([media('bframes.mp4'), media('bframes-b.mp4')], media('join.mp4'));
    const { iso } = await writeAndCheck(test, { blockBytes: 4096 });
    const [video, audio] = iso.moov.traks;
    const first = test.parsed[0].tracks;
    expect(video.samples[first[0].samples.length].dts).toBe(first[0].samples.reduce((sum, s) => sum + s.duration, 0));
    expect(audio.samples[first[1].samples.length].dts).toBe(first[1].samples.reduce((sum, s) => sum + s.duration, 0));
    expect(audio.mdia.minf.stbl.stsd.entries.length).toBe(test.job.tracks[1].sampleEntries.length);
  });

  it('writes negative composition offsets as ctts version 1, and ffmpeg presents them as before', async () => {
    const test = joinJob([media('bframes.mp4')], media('negative.mp4'), { videoCompositionShift: 1024 });
    expect(Math.min(...test.job.tracks[0].samples.compositionOffsets)).toBeLessThan(0);
    const { iso } = await writeAndCheck(test);
    expect(iso.moov.traks[0].mdia.minf.stbl.ctts.version).toBe(1);
    const streams = (file: string) => run('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'stream=start_time,duration,nb_frames', '-of', 'csv', file]).stdout;
    expect(streams(media('negative.mp4'))).toBe(streams(media('bframes.mp4')));
  });

  it('copies bytes pieces inline and leaves unreferenced bytes where the job puts them', async () => {
    const test = joinJob([media('bframes.mp4'), media('bframes-b.mp4')], media('with-bytes.mp4'));
    const audio = test.job.tracks[1].samples;
    const moved = test.parsed[0].tracks[1].samples.length + 3;
    const source = test.expected[1][moved];
    const junk = Buffer.from('unreferenced');
    test.job.pieces.splice(1, 0, { kind: 'bytes', bytes: Buffer.concat([junk, test.parsed[1].bytes.subarray(source.offset, source.offset + source.size)]) });
    for (let i = 0; i < audio.count; i++) if (audio.piece[i] >= 1) audio.piece[i]++;
    for (const track of test.job.tracks.slice(0, 1)) for (let i = 0; i < track.samples.count; i++) if (track.samples.piece[i] >= 1) track.samples.piece[i]++;
    audio.piece[moved] = 1;
    audio.pieceOffset[moved] = junk.length;
    const { bytes } = await writeAndCheck(test);
    expect(bytes.includes(junk)).toBe(true);
  });

  it('gives byte-identical files from two runs, whatever the block size or ring length', async () => {
    const write = async (name: string, options: WriteMp4Options) => {
      const test = joinJob([media('plain.mp4'), media('bframes.mp4')], media(name));
      const { sha256: hash } = await writeMp4(test.job, options);
      return [hash, sha256(readFileSync(media(name)))];
    };
    const runs = [await write('a.mp4', {}), await write('b.mp4', {}), await write('c.mp4', { blockBytes: 5000, blocks: 2 })];
    expect(runs.flat()).toEqual(Array(6).fill(runs[0][1]));
    expect(readFileSync(media('a.mp4')).equals(readFileSync(media('c.mp4')))).toBe(true);
  });

  it('writes the same file after the tables of the planned job are released, which leaves their arrays empty', async () => {
    const { job: kept } = joinJob([media('plain.mp4'), media('bframes.mp4')], media('kept.mp4'));
    const { job: released } = joinJob([media('plain.mp4'), media('bframes.mp4')], media('released.mp4'));
    const shared = new Uint8Array(released.tracks[1].samples.sync.length + 8);
    shared.set(released.tracks[1].samples.sync);
    released.tracks[1].samples.sync = shared.subarray(0, released.tracks[1].samples.count);
    const plan = planMp4Copy(released);
    const sizes = released.tracks[0].samples.sizes;
    releaseSampleTables(released);
    expect(released.tracks.map((t) => t.samples.durations.length)).toEqual([0, 0]);
    expect(sizes.length, 'an array the table owned: detached').toBe(0);
    expect(shared.length, 'a view into a buffer the table does not own alone: left').toBeGreaterThan(0);
    const [a, b] = [await writeMp4(kept), await copyMp4(plan)];
    expect(b.sha256).toBe(a.sha256);
    expect(readFileSync(media('released.mp4')).equals(readFileSync(media('kept.mp4')))).toBe(true);
  });
});
