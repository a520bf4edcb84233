import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// objects that survive their first collections, as a probe's tables and summaries do
const script = (hold: boolean) => `
${hold ? `import { keepYoungGenerationSmall } from ${JSON.stringify(new URL('./young-generation.ts', import.meta.url).href)}; keepYoungGenerationSmall();` : ''}
import { getHeapSpaceStatistics } from 'node:v8';
const kept = [];
for (let round = 0; round < 60; round++) {
  const batch = [];
  for (let i = 0; i < 50000; i++) batch.push({ i, at: i * 1.5 });
  kept.push(batch);
  if (kept.length > 4) kept.shift();
}
console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;

function newSpaceBytes(hold: boolean): number {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(hold)], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout.trim());
}

describe('keepYoungGenerationSmall', () => {
  it('stops the young generation from growing when many objects survive', () => {
    const grown = newSpaceBytes(false);
    const held = newSpaceBytes(true);
    expect(grown).toBeGreaterThan(8 << 20);
    expect(held).toBeLessThanOrEqual(4 << 20);
  });
});
