import { spawnSync } from 'node:child_process';

/** The environment without NODE_EXTRA_CA_CERTS, which node reads and parses at every start. */
export function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

function medianMs(env: NodeJS.ProcessEnv, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    if (child.status !== 0) throw new Error(`node -e 0 exited with ${child.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** What node itself takes to start here (`node -e 0`, median), and without the extra CA file when one is set. */
export function nodeStartup(runs = 7): string {
  const asIs = medianMs(process.env, runs);
  if (!process.env.NODE_EXTRA_CA_CERTS) return `node -e 0 takes ${asIs.toFixed(0)} ms`;
  const without = medianMs(withoutExtraCaCerts(process.env), runs);
  return `node -e 0 takes ${asIs.toFixed(0)} ms (${without.toFixed(0)} ms without NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}, which node reads at every start)`;
}
