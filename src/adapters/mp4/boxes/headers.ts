import { BoxParser } from 'mp4box';
import { writtenBy } from './bytes.ts';

/** Identity transform, 16.16 and 2.30 fixed point. */
const IDENTITY_MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

/** Track enabled and used in the presentation. */
const TKHD_ENABLED_IN_MOVIE = 0x3;

/** Creation and modification times stay 0 so that two runs give the same bytes. */
export function mvhdBox({ timescale, duration, nextTrackId }: { timescale: number; duration: number; nextTrackId: number }): Buffer {
  const box = new BoxParser.box.mvhd();
  Object.assign(box, { creation_time: 0, modification_time: 0, timescale, duration, rate: 0x10000, volume: 1, matrix: IDENTITY_MATRIX, next_track_id: nextTrackId });
  return writtenBy(box);
}

export function tkhdBox({ trackId, duration, width, height, audio }: { trackId: number; duration: number; width: number; height: number; audio: boolean }): Buffer {
  const box = new BoxParser.box.tkhd();
  Object.assign(box, {
    creation_time: 0,
    modification_time: 0,
    track_id: trackId,
    duration,
    layer: 0,
    alternate_group: 0,
    volume: audio ? 1 : 0,
    matrix: IDENTITY_MATRIX,
    width: Math.round(width * 0x10000),
    height: Math.round(height * 0x10000),
  });
  // mp4box.js defaults flags with `??`, but FullBox has already set them to 0.
  box.flags = TKHD_ENABLED_IN_MOVIE;
  return writtenBy(box);
}

/** ISO 639-2/T code packed as three 5-bit letters ('und' when the code is not three letters a-z). */
export function packLanguage(code: string): number {
  const letters = /^[a-z]{3}$/.test(code) ? code : 'und';
  return [...letters].reduce((packed, letter) => (packed << 5) | (letter.charCodeAt(0) - 0x60), 0);
}

export function mdhdBox({ timescale, duration, language }: { timescale: number; duration: number; language: string }): Buffer {
  const box = new BoxParser.box.mdhd();
  Object.assign(box, { creation_time: 0, modification_time: 0, timescale, duration, language: packLanguage(language) });
  return writtenBy(box);
}
