import { describe, expect, it } from 'vitest';
import { DEFAULT_VOICE_ACTIVITY, speechInMs, VoiceActivityDetector } from './voice-activity.ts';

const RATE = 16000;

/** Seconds of signal: noise at `noiseDbfs` plus tones (dBFS peak) at given spans. */
function signal(totalSec: number, tones: { fromSec: number; toSec: number; dbfs: number; hz?: number }[], noiseDbfs = -70): Int16Array {
  const out = new Int16Array(Math.round(totalSec * RATE));
  let state = 12345;
  const noiseAmp = 32767 * 10 ** (noiseDbfs / 20) * Math.sqrt(3);
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = Math.round(((state / 0xffffffff) * 2 - 1) * noiseAmp);
  }
  for (const t of tones) {
    const amp = 32767 * 10 ** (t.dbfs / 20);
    for (let i = Math.round(t.fromSec * RATE); i < Math.min(out.length, Math.round(t.toSec * RATE)); i++) {
      out[i] = Math.max(-32768, Math.min(32767, out[i] + Math.round(amp * Math.sin((2 * Math.PI * (t.hz ?? 300) * i) / RATE))));
    }
  }
  return out;
}

function detect(samples: Int16Array, pieces = 1) {
  const detector = new VoiceActivityDetector(RATE);
  const size = Math.ceil(samples.length / pieces);
  for (let at = 0; at < samples.length; at += size) detector.push(samples, at, 1, Math.min(size, samples.length - at));
  return speechInMs(detector.finish(samples.length), RATE);
}

const HANGOVER = DEFAULT_VOICE_ACTIVITY.hangoverMs;
const SYLLABLES_FROM_ZERO = Array.from({ length: 10 }, (_, k) => ({ fromSec: k * 0.25, toSec: k * 0.25 + 0.15, dbfs: -12 }));
const FRAME = DEFAULT_VOICE_ACTIVITY.frameMs;

describe('VoiceActivityDetector', () => {
  it.each([
    { name: 'noise only', total: 3, tones: [], spans: [] },
    { name: 'digital silence', total: 2, tones: [], noise: -200, spans: [] },
    { name: 'one burst: onset to the frame, end after the hangover', total: 3, tones: [{ fromSec: 1, toSec: 1.5, dbfs: -12 }], spans: [[1000, 500 + HANGOVER]] },
    { name: 'a burst that runs to the end: clipped to the media', total: 2, tones: [{ fromSec: 1.9, toSec: 2, dbfs: -12 }], spans: [[1900, 100]] },
    { name: 'a 40 ms click is not speech', total: 2, tones: [{ fromSec: 1, toSec: 1.04, dbfs: -6 }], spans: [] },
    { name: 'two bursts 150 ms apart: one span (hangover bridges)', total: 3, tones: [{ fromSec: 0.5, toSec: 1, dbfs: -12 }, { fromSec: 1.15, toSec: 1.6, dbfs: -12 }], spans: [[500, 1100 + HANGOVER]] },
    { name: 'two bursts 400 ms apart: two spans', total: 3, tones: [{ fromSec: 0.5, toSec: 1, dbfs: -12 }, { fromSec: 1.4, toSec: 1.9, dbfs: -12 }], spans: [[500, 500 + HANGOVER], [1400, 500 + HANGOVER]] },
    { name: 'a tone below the absolute floor (-50 dBFS) over digital silence is not speech', total: 2, tones: [{ fromSec: 0.5, toSec: 1.5, dbfs: -52 }], noise: -200, spans: [] },
    { name: 'loud background noise (-35 dBFS): only the louder burst counts', total: 3, tones: [{ fromSec: 1, toSec: 2, dbfs: -10 }], noise: -35, spans: [[1000, 1000 + HANGOVER]] },
    // syllables from the very first sample: the floor comes from the gaps between them, not the voice
    { name: 'speech from 0 ms (syllables 150 ms on, 100 ms off): one span from 0', total: 4, tones: SYLLABLES_FROM_ZERO, spans: [[0, 2400 + HANGOVER]] },
  ])('$name', ({ total, tones, noise, spans }) => {
    const result = detect(signal(total, tones, noise));
    expect(result.speech.length).toBe(spans.length);
    result.speech.forEach((s, i) => {
      // onset and end land on analysis frames: within one frame of the tone's edges
      expect(Math.abs(s.mediaOffsetMs - spans[i][0])).toBeLessThanOrEqual(FRAME);
      expect(Math.abs(s.durationMs - spans[i][1])).toBeLessThanOrEqual(2 * FRAME);
    });
    expect(result.speechMs).toBe(result.speech.reduce((a, s) => a + s.durationMs, 0));
  });

  it('gives the same spans whether the samples come in one piece or in odd-sized pieces', () => {
    const samples = signal(4, [{ fromSec: 0.3, toSec: 0.9, dbfs: -15 }, { fromSec: 2, toSec: 3.1, dbfs: -20 }]);
    expect(detect(samples, 7)).toEqual(detect(samples, 1));
    expect(detect(samples, 333)).toEqual(detect(samples, 1));
  });

  it('reads one channel of interleaved samples by stride, and silence pushed as a count', () => {
    const mono = signal(2, [{ fromSec: 0.5, toSec: 1, dbfs: -12 }]);
    const stereo = new Int16Array(mono.length * 2);
    for (let i = 0; i < mono.length; i++) stereo[i * 2 + 1] = mono[i];
    const right = new VoiceActivityDetector(RATE);
    right.pushSilence(RATE); // one second of filler before the samples
    right.push(stereo, 1, 2, mono.length);
    const spans = speechInMs(right.finish(RATE + mono.length), RATE).speech;
    expect(spans).toHaveLength(1);
    expect(Math.abs(spans[0].mediaOffsetMs - 1500)).toBeLessThanOrEqual(FRAME);
  });
});
