import { spawnSync } from 'node:child_process';

/** The environment without NODE_EXTRA_CA_CERTS, which node reads and parses at every start. */
export function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

/** How long `node -e 0` takes in `env`, in ms, `runs` times: what node itself costs to start here. */
export function nodeStartTimes(env: NodeJS.ProcessEnv, runs = 7): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    if (child.status !== 0) throw new Error(`node -e 0 exited with ${child.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}
