/** `HH:MM:SS.mmm`, the WebVTT timestamp form. */
export function vttTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(total % 1000, 3)}`;
}

/** Seek-preview cues: each interval of the media shows its tile of the sprite sheet. */
export function thumbnailVtt(cues: { startMs: number; endMs: number; x: number; y: number; width: number; height: number }[], spriteName: string): string {
  const lines = ['WEBVTT', ''];
  for (const cue of cues) {
    lines.push(`${vttTimestamp(cue.startMs)} --> ${vttTimestamp(cue.endMs)}`, `${spriteName}#xywh=${cue.x},${cue.y},${cue.width},${cue.height}`, '');
  }
  return lines.join('\n');
}
