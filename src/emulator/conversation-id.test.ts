import { describe, expect, it } from 'vitest';
import { conversationIdFromUrl, conversationUrlFromId } from './conversation-id.ts';

describe('conversationIdFromUrl', () => {
  it.each([
    // bytes 0xfb 0xff in the input make plain base64 produce '+' and '/', which Base64Url replaces
    ['https://conv.example/?x=\u00fb\u00ff', 'aHR0cHM6Ly9jb252LmV4YW1wbGUvP3g9w7vDvw'],
    ['https://a.example/conversations/19:meeting_abc?>>', 'aHR0cHM6Ly9hLmV4YW1wbGUvY29udmVyc2F0aW9ucy8xOTptZWV0aW5nX2FiYz8-Pg'],
  ])('%s', (url, expected) => {
    const id = conversationIdFromUrl(url);
    expect(id).toBe(expected);
    expect(id).not.toMatch(/[+/=]/);
    expect(conversationUrlFromId(id)).toBe(url);
  });

  it('differs from plain base64 where it must', () => {
    const url = 'https://a.example/conversations/19:meeting_abc?>>';
    expect(btoa(url)).toContain('+');
    expect(conversationIdFromUrl(url)).not.toBe(btoa(url));
  });

  it('does not read a non-URL id as a URL', () => {
    expect(conversationUrlFromId('not base64!')).toBeNull();
    expect(conversationUrlFromId(Buffer.from('hello').toString('base64url'))).toBeNull();
  });
});
