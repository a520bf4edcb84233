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

  // a reader optimised on a table (read as a constant, as OSR code does), then the arena released
  const releaseScript = (mode: string) => `
import { detachABufferFirst, SampleTableArena } from ${JSON.stringify(new URL('./table-arena.ts', import.meta.url).href)};
const natives = (body) => new Function('f', body);
const [prepare, optimise, optimised] = ['%PrepareFunctionForOptimization(f)', '%OptimizeFunctionOnNextCall(f)', 'return %ActiveTierIsTurbofan(f)'].map(natives);
if (${JSON.stringify(mode)} !== 'released without a detach first') detachABufferFirst();
const arena = new SampleTableArena();
const table = arena.table(1000);
const other = arena.table(10);
table.sizes.fill(3);
function sum() { let s = 0; for (let i = 0; i < table.count; i++) s += table.sizes[i]; return s; }
prepare(sum); sum(); sum(); optimise(sum); sum();
const before = optimised(sum);
if (${JSON.stringify(mode)} === 'a field written') other.count = 0;
arena.release();
console.log(JSON.stringify([before, optimised(sum)]));
`;

  it('keep the code optimised on them when their arena is released (no mass deoptimisation before the verify)', () => {
    const run = (mode: string) => {
      const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', releaseScript(mode)], { encoding: 'utf8', timeout: 60_000 });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout);
    };
    expect(run('released')).toEqual([true, true]);
    // what the test would see if the release deoptimised: V8's first detach, or a field written
    expect(run('released without a detach first')).toEqual([true, false]);
    expect(run('a field written')).toEqual([true, false]);
  });
});
