import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// V8's own answer (%HaveSameMap, natives syntax) on tables made every way the model makes them
const script = `
import { emptySampleTable } from ${JSON.stringify(new URL('./sample-tables.ts', import.meta.url).href)};
import { SampleTableArena } from ${JSON.stringify(new URL('./table-arena.ts', import.meta.url).href)};
import { SampleTableBuilder } from ${JSON.stringify(new URL('./fragments.ts', import.meta.url).href)};
const sameShape = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const fragments = new SampleTableBuilder(emptySampleTable(0));
fragments.push(0, 512, 0, 1000, 10, true, 1);
const tables = { arena: new SampleTableArena().table(3), empty: emptySampleTable(3), fragments: fragments.build() };
console.log(JSON.stringify(Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, sameShape(t, tables.arena)]))));
`;

describe('sample tables', () => {
  it('have one shape however they are made, so the readers the chunks warmed stay monomorphic', () => {
    const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ arena: true, empty: true, fragments: true });
  });
});
