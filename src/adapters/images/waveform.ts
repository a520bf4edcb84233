import { rename, rm } from 'node:fs/promises';
import { loadSharp } from './sharp.ts';

export interface WaveformLane {
  /** Per column min and max sample (16-bit). */
  min: Int16Array;
  max: Int16Array;
  label: string;
}

export interface WaveformPicture {
  lanes: WaveformLane[];
  /** Marked spans as fractions of the width (pauses). */
  marks: { from: number; to: number }[];
  laneHeight?: number;
  outFile: string;
}

const BACKGROUND = [255, 255, 255];
const LANE_SHADE = [244, 246, 250];
const WAVE = [37, 99, 235];
const MARK = [253, 230, 138];
const AXIS = [203, 213, 225];

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Draws one lane per channel from its peaks (a vertical line per column from min to max), shades
 * the marked spans, and writes the lane labels as an SVG overlay that sharp composites: the
 * picture costs width x height pixels whatever the recording's length.
 */
export async function writeWaveformPng(picture: WaveformPicture): Promise<{ width: number; height: number }> {
  const width = picture.lanes[0]?.min.length ?? 1;
  const laneHeight = picture.laneHeight ?? 96;
  const height = laneHeight * Math.max(1, picture.lanes.length);
  const pixels = Buffer.alloc(width * height * 3);
  const paint = (x: number, y: number, rgb: number[]) => {
    const at = (y * width + x) * 3;
    pixels[at] = rgb[0];
    pixels[at + 1] = rgb[1];
    pixels[at + 2] = rgb[2];
  };
  // one gain for all lanes (so they stay comparable), up to 16x: quiet calls still show their shape
  let loudest = 1;
  for (const lane of picture.lanes) for (let x = 0; x < width; x++) loudest = Math.max(loudest, -lane.min[x], lane.max[x]);
  const gain = Math.min(16, (0.9 * 32768) / loudest);
  const marked = new Uint8Array(width);
  for (const mark of picture.marks) {
    const from = Math.max(0, Math.floor(mark.from * width));
    const to = Math.min(width, Math.max(from + 1, Math.ceil(mark.to * width)));
    marked.fill(1, from, to);
  }
  picture.lanes.forEach((lane, index) => {
    const top = index * laneHeight;
    const middle = top + Math.floor(laneHeight / 2);
    const half = laneHeight / 2 - 4;
    for (let x = 0; x < width; x++) {
      const base = marked[x] ? MARK : index % 2 ? LANE_SHADE : BACKGROUND;
      for (let y = top; y < top + laneHeight; y++) paint(x, y, base);
      paint(x, middle, AXIS);
      const hi = middle - Math.round(((lane.max[x] * gain) / 32768) * half);
      const lo = middle - Math.round(((lane.min[x] * gain) / 32768) * half);
      for (let y = Math.max(top, hi); y <= Math.min(top + laneHeight - 1, lo); y++) paint(x, y, WAVE);
    }
    for (let x = 0; x < width; x++) paint(x, top + laneHeight - 1, AXIS);
  });
  const labels = picture.lanes
    .map(
      (lane, i) =>
        // an approximate text width is enough for the backing box that keeps the label readable over the wave
        `<rect x="4" y="${i * laneHeight + 4}" width="${Math.round(lane.label.length * 7.6) + 8}" height="19" rx="3" fill="#ffffff" fill-opacity="0.85"/>` +
        `<text x="8" y="${i * laneHeight + 18}" font-family="DejaVu Sans, sans-serif" font-size="13" fill="#0f172a">${escapeXml(lane.label)}</text>`,
    )
    .join('');
  const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels}</svg>`);
  const temporary = `${picture.outFile}.tmp-${process.pid}`;
  try {
    const sharp = await loadSharp();
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .composite([{ input: overlay, top: 0, left: 0 }])
      .png({ compressionLevel: 9 })
      .toFile(temporary);
    await rename(temporary, picture.outFile);
  } finally {
    await rm(temporary, { force: true });
  }
  return { width, height };
}
