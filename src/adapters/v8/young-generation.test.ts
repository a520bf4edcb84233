import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const module = JSON.stringify(new URL('./young-generation.ts', import.meta.url).href);

// objects that survive their first collections, as a probe's tables and summaries do
type Case = { hold: boolean; worker: boolean; rehold: boolean; busy?: boolean };

// busy: the main thread runs on without a turn of its event loop while the worker starts, as the
// probe does (no 'online' event can be handled before the objects pile up)
const script = ({ hold, worker, rehold, busy = false }: Case) => `
import { keepYoungGenerationSmall, startWorker } from ${module};
import { Worker } from 'node:worker_threads';
import { getHeapSpaceStatistics } from 'node:v8';
${hold ? 'keepYoungGenerationSmall();' : ''}
if (${worker}) {
  const source = 'setTimeout(() => {}, 100)';
  const thread = ${rehold ? 'startWorker(source)' : "new Worker(source, { eval: true, execArgv: [] })"};
  if (${busy}) {
    for (const until = Date.now() + 1000; Date.now() < until; );
  } else {
    await new Promise((resolve) => thread.once('online', resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
}
const kept = [];
for (let round = 0; round < 60; round++) {
  const batch = [];
  for (let i = 0; i < 50000; i++) batch.push({ i, at: i * 1.5 });
  kept.push(batch);
  if (kept.length > 4) kept.shift();
}
console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
process.exit(0);
`;

function newSpaceBytes(options: Case): number {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(options)], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout.trim());
}

describe('keepYoungGenerationSmall', () => {
  it('stops the young generation from growing when many objects survive', () => {
    expect(newSpaceBytes({ hold: false, worker: false, rehold: false })).toBeGreaterThan(8 << 20);
    expect(newSpaceBytes({ hold: true, worker: false, rehold: false })).toBeLessThanOrEqual(4 << 20);
  });

  it('holds it past a worker thread start, which undoes the hold unless it is set again', () => {
    expect(newSpaceBytes({ hold: true, worker: true, rehold: false })).toBeGreaterThan(8 << 20);
    expect(newSpaceBytes({ hold: true, worker: true, rehold: true })).toBeLessThanOrEqual(4 << 20);
  });

  it('holds it while the main thread is busy as the worker starts: the worker sets it again itself', () => {
    expect(newSpaceBytes({ hold: true, worker: true, rehold: false, busy: true })).toBeGreaterThan(8 << 20);
    expect(newSpaceBytes({ hold: true, worker: true, rehold: true, busy: true })).toBeLessThanOrEqual(4 << 20);
  });

  it('sets nothing after a worker start in a process that does not hold it', () => {
    expect(newSpaceBytes({ hold: false, worker: true, rehold: true })).toBeGreaterThan(8 << 20);
  });
});
