/**
 * The 2021 runtime control API takes the call's `conversationUrl` encoded with Base64Url (RFC 4648 §5:
 * `-` and `_`, no padding), not plain base64 (btoa), so that it fits in a path segment.
 */
export function conversationIdFromUrl(conversationUrl: string): string {
  return Buffer.from(conversationUrl, 'utf8').toString('base64url');
}

/** The conversation URL inside a conversation id, or null when the id is not Base64Url of a URL. */
export function conversationUrlFromId(conversationId: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(conversationId)) return null;
  const text = Buffer.from(conversationId, 'base64url').toString('utf8');
  return /^https?:\/\/\S+$/.test(text) && conversationIdFromUrl(text) === conversationId ? text : null;
}
