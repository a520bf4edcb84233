/**
 * Who speaks when in an emulated call, and the ffmpeg `aevalsrc` expressions that voice it. Each
 * participant has a tone of its own (pitch with two harmonics, amplitude-modulated at a syllable
 * rate) and speaks in turns of the wall clock, so a decoded channel tells whose it is and when
 * they spoke. Pure: tests rebuild the same schedule from the same numbers.
 */
import type { ChunkSpec, Timeline } from './timeline.ts';

/** One turn every TURN_MS of wall clock, rotating through the speakers. */
export const TURN_MS = 5000;
/** A speaker starts this long into their turn (a breath), so even the first turn has silence before it. */
export const LEAD_IN_MS = 300;

export interface Voice {
  /** Fundamental, Hz. */
  pitchHz: number;
  /** Syllables per second (the amplitude modulation). */
  syllableHz: number;
  /** How long this speaker talks at the start of each of their turns. */
  speakMs: number;
}

const VOICES: Voice[] = [
  { pitchHz: 110, syllableHz: 3, speakMs: 3500 },
  { pitchHz: 150, syllableHz: 3.5, speakMs: 2500 },
  { pitchHz: 196, syllableHz: 4, speakMs: 3000 },
  { pitchHz: 245, syllableHz: 4.5, speakMs: 2000 },
  { pitchHz: 300, syllableHz: 5, speakMs: 4000 },
];

export interface Speaker {
  participantId: string;
  /** Turn slot: speaker `slot` talks in turns n with n mod speakers.length === slot. */
  slot: number;
  voice: Voice;
}

/** The call's participants speak last-named first, so first-heard order differs from naming order. */
export function speakersOf(participantIds: readonly string[]): Speaker[] {
  return [...participantIds].reverse().map((participantId, slot) => ({ participantId, slot, voice: VOICES[slot % VOICES.length]! }));
}

export interface SpeechSpan {
  participantId: string;
  /** Wall-clock ms from the recording start. */
  wallOffsetMs: number;
  durationMs: number;
}

/** Every turn spoken between the recording start and `untilMs` (wall clock), paused or not. */
export function speechSchedule(speakers: readonly Speaker[], untilMs: number): SpeechSpan[] {
  const spans: SpeechSpan[] = [];
  if (speakers.length === 0) return spans;
  for (let turn = 0; turn * TURN_MS < untilMs; turn++) {
    const speaker = speakers[turn % speakers.length]!;
    const start = turn * TURN_MS + LEAD_IN_MS;
    if (start >= untilMs) break;
    spans.push({ participantId: speaker.participantId, wallOffsetMs: start, durationMs: Math.min(speaker.voice.speakMs, untilMs - start) });
  }
  return spans;
}

const sec = (ms: number) => (ms / 1000).toFixed(6);

/**
 * Wall-clock seconds from the recording start as an expression of the chunk-local media time `t`:
 * media runs with the wall clock and jumps forward by each pause cut out of the chunk.
 */
export function wallClockExpr(timeline: Timeline, chunk: Pick<ChunkSpec, 'mediaStart' | 'durationMs'>): string {
  const chunkEnd = chunk.mediaStart + chunk.durationMs;
  const pieces = timeline.active
    .filter((span) => span.mediaStart < chunkEnd && span.mediaStart + span.durationMs > chunk.mediaStart)
    .map((span) => {
      const localMs = Math.max(0, span.mediaStart - chunk.mediaStart);
      return { localMs, shiftMs: span.wallStart - timeline.startTime + (chunk.mediaStart + localMs - span.mediaStart) - localMs };
    });
  if (pieces.length === 0) return 't';
  const jumps = pieces.slice(1).map((p, i) => `+${sec(p.shiftMs - pieces[i]!.shiftMs)}*gte(t,${sec(p.localMs)})`);
  return `(t+${sec(pieces[0]!.shiftMs)}${jumps.join('')})`;
}

/** True (1) while the speaker talks, as an expression of the wall clock `wall`. */
export function speakingExpr(speaker: Speaker, speakerCount: number, wall: string): string {
  const turn = sec(TURN_MS);
  const into = `mod(${wall},${turn})`;
  return `eq(mod(floor(${wall}/${turn}),${speakerCount}),${speaker.slot})*gte(${into},${sec(LEAD_IN_MS)})*lt(${into},${sec(LEAD_IN_MS + speaker.voice.speakMs)})`;
}

/** The speaker's voice while they talk, silence otherwise (peak about 0.21). */
export function voiceExpr(speaker: Speaker, speakerCount: number, wall: string): string {
  const { pitchHz: f, syllableHz: r } = speaker.voice;
  const tone = `(sin(2*PI*${f}*t)+0.5*sin(4*PI*${f}*t)+0.25*sin(6*PI*${f}*t))`;
  return `${speakingExpr(speaker, speakerCount, wall)}*0.12*${tone}*(0.6+0.4*sin(2*PI*${r}*t))`;
}

/** A 1 kHz beep of 125 ms at each marker (chunk start and every restart), as in the MP4 chunks. */
export function beepExpr(markersSec: readonly number[]): string {
  const on = markersSec.map((m) => `between(t,${m.toFixed(6)},${(m + 0.125).toFixed(6)})`).join('+');
  return on ? `0.5*(${on})*sin(2*PI*1000*t)` : '0';
}
