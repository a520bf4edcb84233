import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { avccSampleToAnnexB, KeyframeFeed, syncSampleAt, type KeyframeRef } from './keyframes.ts';

describe('avccSampleToAnnexB', () => {
  it('replaces 4-byte lengths with start codes, parameter sets first', () => {
    const sample = Buffer.from([0, 0, 0, 2, 0x65, 0xaa, 0, 0, 0, 1, 0x06]);
    const out = avccSampleToAnnexB(sample, 4, [Buffer.from([0x67, 1]), Buffer.from([0x68, 2])]);
    expect(out.toString('hex')).toBe('00000001' + '6701' + '00000001' + '6802' + '00000001' + '65aa' + '00000001' + '06');
  });

  it('handles 2-byte lengths', () => {
    expect(avccSampleToAnnexB(Buffer.from([0, 1, 0x65]), 2, []).toString('hex')).toBe('0000000165');
  });

  it('refuses a NAL unit that overruns the sample', () => {
    expect(() => avccSampleToAnnexB(Buffer.from([0, 0, 0, 9, 0x65]), 4, [])).toThrow(/overruns/);
  });
});

describe('syncSampleAt', () => {
  const samples = [0, 2, 4, 6].map((timeSec) => ({ timeSec, offset: timeSec * 100, size: 10 }));
  it.each([
    [0, 0],
    [1.9, 0],
    [2, 2],
    [5.5, 4],
    [100, 6],
  ])('at %d s shows the keyframe of %d s', (time, expected) => {
    expect(syncSampleAt(samples, time).timeSec).toBe(expected);
  });
});

describe('KeyframeFeed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyframe-feed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sets = [Buffer.from([0x67, 0x42]), Buffer.from([0x68, 0xce])];
  // two files of length-prefixed samples with filler between them, as in an mdat
  const nal = (length: number, fill: number) => Buffer.concat([Buffer.from([0, 0, 0, length]), Buffer.alloc(length, fill)]);
  const files = [0, 1].map((f) => {
    const samples = [nal(5, 0x65 + f), Buffer.concat([nal(3, 0x06), nal(200, 0x65)]), nal(90, 0x25)];
    const bytes = Buffer.concat(samples.flatMap((s) => [Buffer.alloc(7, 0xee), s]));
    const file = join(dir, `chunk-${f}.bin`);
    writeFileSync(file, bytes);
    let offset = 0;
    const refs: KeyframeRef[] = samples.map((s) => {
      offset += 7;
      const ref = { file, sample: { timeSec: 0, offset, size: s.length }, nalLengthSize: 4, parameterSets: sets };
      offset += s.length;
      return ref;
    });
    return { samples, refs };
  });

  /** A sink that takes its time over each write and records how many bytes were waiting at once. */
  function slowSink() {
    const sink = { bytes: [] as Buffer[], mostWaiting: 0, ended: false };
    const stream = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        sink.mostWaiting = Math.max(sink.mostWaiting, stream.writableLength);
        sink.bytes.push(Buffer.from(chunk));
        setTimeout(done, 5);
      },
      final(done) {
        sink.ended = true;
        done();
      },
    });
    return { sink, stream };
  }

  it('writes each keyframe named so far as one Annex B access unit, in order, waits for more, ends when told', async () => {
    const feed = new KeyframeFeed();
    const { sink, stream } = slowSink();
    const writing = feed.writeTo(stream);
    feed.push([files[0].refs[1], files[0].refs[0]]);
    await sleep(30);
    expect(sink.bytes).toHaveLength(2);
    expect(sink.ended).toBe(false);
    feed.push([files[1].refs[2], files[0].refs[2]]);
    feed.end();
    await writing;
    const expected = [files[0].samples[1], files[0].samples[0], files[1].samples[2], files[0].samples[2]].map((s) => avccSampleToAnnexB(s, 4, sets));
    expect(sink.bytes.map((b) => b.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
    expect(sink.ended).toBe(true);
    // one access unit in flight: the reused buffers are never written over while a write holds them
    expect(sink.mostWaiting).toBeLessThanOrEqual(Math.max(...expected.map((b) => b.length)));
  });

  it('fails with the file named when a keyframe is cut short, and when the stream fails', async () => {
    const short = new KeyframeFeed();
    short.push([{ ...files[0].refs[2], sample: { ...files[0].refs[2].sample, size: 10_000 } }]);
    short.end();
    await expect(short.writeTo(slowSink().stream)).rejects.toThrow(/chunk-0\.bin: keyframe at byte \d+ is cut short/);

    const broken = new KeyframeFeed();
    broken.push(files[1].refs);
    broken.end();
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(new Error('EPIPE: the decoder went away')) });
    stream.on('error', () => {});
    await expect(broken.writeTo(stream)).rejects.toThrow(/EPIPE/);
  });
});
