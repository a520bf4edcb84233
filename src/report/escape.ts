/**
 * Escaping for the report page. Every string of a manifest comes from outside documents
 * (chunk metadata, events), so nothing from it reaches the page unescaped.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON that can sit inside `<script type="application/json">`: no `</script>`, no `<!--`,
 * no line separators that old parsers treat as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A path relative to the output directory as a URL the page may load, or null when it could
 * leave the directory or name another scheme or host (the page must never reach the network).
 */
export function relativeUrl(path: string): string | null {
  const normalised = path.replace(/\\/g, '/');
  const segments = normalised.split('/');
  const safe =
    normalised.length > 0 &&
    !normalised.startsWith('/') &&
    !/^[a-z][a-z0-9+.-]*:/i.test(normalised) &&
    segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[\u0000-\u001f]/.test(s));
  return safe ? segments.map(encodeURIComponent).join('/') : null;
}

/** Markup that is already safe; `html` inserts it as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function interpolate(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined) return '';
  return escapeHtml(value);
}

/** Tagged template for markup: every interpolated value is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? interpolate(values[i]!) : ''), ''));
}

/** Inserts trusted markup (built by this module's callers from constants) without escaping. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
