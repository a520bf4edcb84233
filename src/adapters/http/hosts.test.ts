import { describe, expect, it } from 'vitest';
import { checkUrlAllowed, parseAllowedHosts, redactUrl } from './hosts.ts';

const endpoint = new URL('https://contoso.communication.azure.com/');
const allowed = parseAllowedHosts(' *.asm.skype.com, storage.example:8443 ,');

describe('checkUrlAllowed', () => {
  it.each([
    ['https://contoso.communication.azure.com/recording/download/d', true],
    ['https://CONTOSO.communication.azure.com/x', true],
    ['https://us-storage.asm.skype.com/v1/objects/d/content/video', true],
    ['https://asm.skype.com/x', false],
    ['https://evilasm.skype.com/x', false],
    ['https://storage.example:8443/x', true],
    ['https://storage.example/x', false],
    ['http://contoso.communication.azure.com/x', false],
    ['https://user:pw@contoso.communication.azure.com/x', false],
    ['file:///etc/passwd', false],
    ['https://contoso.communication.azure.com.evil.example/x', false],
    ['https://169.254.169.254/metadata', false],
  ])('%s -> %s', (url, expected) => {
    expect(checkUrlAllowed(new URL(url), endpoint, allowed).allowed).toBe(expected);
  });

  it('compares host and port for an http endpoint', () => {
    const local = new URL('http://127.0.0.1:4000/');
    expect(checkUrlAllowed(new URL('http://127.0.0.1:4000/a'), local, []).allowed).toBe(true);
    expect(checkUrlAllowed(new URL('http://127.0.0.1:4001/a'), local, []).allowed).toBe(false);
  });
});

describe('redactUrl', () => {
  it('drops query and credentials', () => {
    expect(redactUrl('https://u:p@h.example/a/b?sig=secret')).toBe('https://h.example/a/b');
  });
});
