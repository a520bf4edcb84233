/**
 * Arguments that render a synthetic ACS-like chunk: a dark frame with a moving box, a full-frame
 * white flash and a 1 kHz beep that start at the same instants (markers), quiet tone otherwise.
 * Used by the fixture generator and the emulator; tests find the markers again by decoding.
 */
export interface SyntheticChunkSpec {
  outFile: string;
  durationSec: number;
  width?: number;
  height?: number;
  frameRate?: number;
  sampleRate?: number;
  /** Seconds (chunk-local) where a flash and a beep start together. */
  markersSec?: number[];
  /** Varies the picture so chunks are distinguishable. */
  seed?: number;
  /** Seconds between keyframes. */
  keyframeIntervalSec?: number;
  /** x264 quality; another value gives other H.264 parameter sets. */
  crf?: number;
}

export function syntheticChunkArgs(spec: SyntheticChunkSpec): string[] {
  const { outFile, durationSec, width = 1920, height = 1080, frameRate = 8, sampleRate = 16000, markersSec = [], seed = 0 } = spec;
  const frameSec = 1 / frameRate;
  const flashOn = markersSec.map((m) => `between(t,${m.toFixed(6)},${(m + frameSec / 2).toFixed(6)})`).join('+') || '0';
  const beepOn = markersSec.map((m) => `between(t,${m.toFixed(6)},${(m + 0.125).toFixed(6)})`).join('+') || '0';
  const hue = (seed * 47) % 200;
  // overlay (not drawbox) moves the box: ffmpeg 4.1 evaluates drawbox positions once, overlay's per frame
  const video = [
    `color=c=0x${(0x20 + (hue % 32)).toString(16)}2840:s=${width}x${height}:r=${frameRate}:d=${durationSec}[bg]`,
    `color=c=0x80a0ff:s=200x200:r=${frameRate}:d=${durationSec}[box]`,
    `[bg][box]overlay=x='mod(t*${Math.round(width / 10)}+${seed * 150},${width - 200})':y=${Math.round(height / 3)}:eval=frame,` +
      `drawbox=enable='${flashOn}':x=0:y=0:w=iw:h=ih:color=white:t=fill[out0]`,
  ].join(';');
  const audio = `aevalsrc='if(${beepOn},0.5*sin(2*PI*1000*t),0.02*sin(2*PI*${220 + seed * 20}*t))':s=${sampleRate}:d=${durationSec}`;
  const gop = Math.max(1, Math.round((spec.keyframeIntervalSec ?? 2) * frameRate));
  return [
    '-f', 'lavfi', '-i', video,
    '-f', 'lavfi', '-i', audio,
    '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(spec.crf ?? 32), '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-bf', '0',
    '-pix_fmt', 'yuv420p', '-threads', '1',
    '-c:a', 'aac', '-b:a', '32k', '-ac', '1', '-ar', String(sampleRate),
    '-t', String(durationSec),
    '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
    '-movflags', '+faststart',
    outFile,
  ];
}
