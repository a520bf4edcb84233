/** Human-readable forms of manifest values; deterministic (UTC, no locale). */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A position in the media: `H:MM:SS`, with `.mmm` when not on a whole second. */
export function formatMediaTime(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  const s = Math.floor(whole / 1000);
  const fraction = whole % 1000 ? `.${pad(whole % 1000, 3)}` : '';
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${fraction}`;
}

/** A length of time for people: `1 h 02 min 03 s`, `4 min 05 s`, `2.5 s`. */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (Math.abs(rounded) < 60_000) return `${Number((rounded / 1000).toFixed(rounded % 1000 ? 3 : 0))} s`;
  const s = Math.round(rounded / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return h > 0 ? `${h} h ${pad(m)} min ${pad(sec)} s` : `${m} min ${pad(sec)} s`;
}

/** `2024-05-01 10:00:00 UTC` (milliseconds when present). */
export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`} UTC`;
}

/** `10:00:00` in UTC, for the axis. */
export function formatUtcTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A check's expected or actual value, which the manifest leaves untyped. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
