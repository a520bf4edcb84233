/**
 * Which hosts a fetch may contact: the endpoint's, plus those named in ACS_ALLOWED_HOSTS.
 * An entry is `host`, `host:port` or `*.domain` (any subdomain, the way ACS content hosts vary by region).
 */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

export type HostDecision = { allowed: true } | { allowed: false; reason: string };

export function checkUrlAllowed(url: URL, endpoint: URL, allowedHosts: readonly string[]): HostDecision {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { allowed: false, reason: `scheme ${url.protocol} is not http(s)` };
  if (url.username || url.password) return { allowed: false, reason: 'URL carries credentials' };
  if (endpoint.protocol === 'https:' && url.protocol !== 'https:') return { allowed: false, reason: 'plain http while the endpoint uses https' };
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  if (host === endpoint.host.toLowerCase()) return { allowed: true };
  for (const entry of allowedHosts) {
    if (entry.startsWith('*.')) {
      if (hostname.endsWith(entry.slice(1)) && hostname.length > entry.length - 1) return { allowed: true };
    } else if (entry.includes(':') ? host === entry : hostname === entry) {
      return { allowed: true };
    }
  }
  return { allowed: false, reason: `host ${url.host} is neither the endpoint's nor in ACS_ALLOWED_HOSTS` };
}

/** A URL as errors and logs may show it: no query (it may hold a token), no credentials. */
export function redactUrl(url: URL | string): string {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}
