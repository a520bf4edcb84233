import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, relativeUrl, trusted } from './escape.ts';

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    [`<a href="x" title='y'>&</a>`, '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;'],
    [42, '42'],
    [false, 'false'],
  ])('%s', (input, output) => expect(escapeHtml(input)).toBe(output));
});

describe('html', () => {
  it('escapes values, joins arrays, keeps trusted markup and drops null', () => {
    const items = ['<a>', 'b'];
    expect(html`<p title="${'"x"'}">${items.map((i) => html`<i>${i}</i>`)}${trusted('<br>')}${null}${false}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><i>&lt;a&gt;</i><i>b</i><br>false</p>',
    );
  });
});

describe('jsonForScript', () => {
  it.each([
    { value: '</script><!-- \u2028 & >' },
    { value: { nested: ['<', '>'] } },
  ])('round-trips $value without markup characters', ({ value }) => {
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('relativeUrl', () => {
  it.each([
    ['thumbnails/thumb-0001.jpg', 'thumbnails/thumb-0001.jpg'],
    ['thumbnails/a b#c?.jpg', 'thumbnails/a%20b%23c%3F.jpg'],
    ['thumbnails\\x.jpg', 'thumbnails/x.jpg'],
    ['', null],
    ['../x.jpg', null],
    ['thumbnails/../../x.jpg', null],
    ['./x.jpg', null],
    ['/x.jpg', null],
    ['//host/x.jpg', null],
    ['file:///etc/passwd', null],
    ['data:image/png;base64,AAAA', null],
    ['JavaScript:alert(1)', null],
    ['thumbnails//x.jpg', null],
    ['thumbnails/x\n.jpg', null],
  ])('%j -> %j', (input, output) => expect(relativeUrl(input)).toBe(output));
});
