import { execFileSync, execSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from './helpers/cli.ts';

// Node 26 "Lithium": Active LTS 2026-10-28 to 2027-10-20, end of life 2029-04-30 (nodejs/Release).
const NODE_LTS_MAJOR = 26;

const text = (path: string) => readFile(join(REPO_ROOT, path), 'utf8');
const dockerfile = await text('Dockerfile');
const pkg = JSON.parse(await text('package.json'));
const dockerignore = (await text('.dockerignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const containerApp = await text('deploy/containerapp.yaml');

/** Logical instructions (continuations joined, comments dropped), grouped by stage. */
function stages(source: string) {
  const lines = source.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ').split('\n');
  const instructions = lines.map((l) => l.trim()).filter((l) => /^[A-Z]+ /.test(l));
  const result: { from: string; name: string; instructions: string[] }[] = [];
  for (const line of instructions) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) result.push({ from: from[1], name: from[2] ?? '', instructions: [] });
    else result.at(-1)?.instructions.push(line);
  }
  return { args: instructions.filter((l) => l.startsWith('ARG ')), stages: result };
}
const parsed = stages(dockerfile);
const runtime = parsed.stages.at(-1)!;
const build = parsed.stages.find((s) => s.name === 'build')!;
const all = parsed.stages.flatMap((s) => s.instructions);
const jsonInstruction = (stage: typeof runtime, op: string) => JSON.parse(stage.instructions.find((l) => l.startsWith(`${op} `))!.slice(op.length + 1)) as string[];
const runtimeEnv = runtime.instructions.filter((l) => l.startsWith('ENV ')).flatMap((l) => l.slice(4).trim().split(/\s+/));

describe('Dockerfile', () => {
  it('copies only paths that exist and that .dockerignore lets into the build context', async () => {
    const copies = all.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      for (const source of line.replace(/^COPY\s+/, '').split(/\s+/).slice(0, -1)) {
        expect(await stat(join(REPO_ROOT, source)).then(() => true, () => false), `${line}: ${source}`).toBe(true);
        expect(dockerignore, `${line}: ${source} is excluded by .dockerignore`).not.toContain(source.split('/')[0]);
      }
    }
  });

  it('keeps tini as PID 1, running node on the bundle the package bin runs, as the non-root user node', async () => {
    const entrypoint = jsonInstruction(runtime, 'ENTRYPOINT');
    expect(entrypoint.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(runtime.instructions.some((l) => /^RUN .*apt-get install[^&]*\btini\b/.test(l)), 'tini installed in the runtime stage').toBe(true);
    const script = entrypoint[3]!;
    expect(entrypoint.join(' ')).not.toMatch(/npx|sh -c/);
    const bundle = script.replace(/^\/app\//, '');
    expect(await readFile(BIN, 'utf8'), `${pkg.bin.acsrec} runs ${bundle}`).toContain(`'${bundle}'`);
    expect(pkg.bin.acsrec).toBe('bin/acsrec.js');
    expect(runtime.instructions, 'the bundle comes from the build stage').toContain(`COPY --from=build /app/${bundle.split('/')[0]} ./${bundle.split('/')[0]}`);
    expect(runtime.instructions.filter((l) => l.startsWith('WORKDIR ')).at(-1)).toBe('WORKDIR /app');
    expect(runtime.instructions.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(jsonInstruction(runtime, 'CMD')).toEqual(['worker']);
  });

  it('leaves /app root-owned and node_modules stored once: no chown -R, no --chown, no install in the runtime stage', () => {
    expect(all.join('\n')).not.toMatch(/chown\s+-R|--chown/);
    const runtimeRuns = runtime.instructions.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(runtimeRuns).not.toMatch(/\bnpm\b|\bnode\b/);
    expect(runtime.instructions.filter((l) => /node_modules/.test(l))).toEqual(['COPY --from=build /app/node_modules ./node_modules']);
  });

  it('ships ffmpeg once, outside node_modules, at FFMPEG_PATH; the npm ffmpeg package and build-only packages are pruned', () => {
    const ffmpegPath = runtimeEnv.find((e) => e.startsWith('FFMPEG_PATH='))?.split('=')[1];
    expect(ffmpegPath).toBe('/usr/local/bin/ffmpeg');
    expect(runtime.instructions.some((l) => l.startsWith('COPY --from=build ') && l.endsWith(` ${ffmpegPath}`)), `something puts ${ffmpegPath} in place`).toBe(true);
    expect(runtime.instructions.join('\n'), "Debian's ffmpeg is not installed beside it").not.toMatch(/apt-get install[^&]*\bffmpeg\b/);
    const buildRun = build.instructions.filter((l) => l.startsWith('RUN ')).join('\n');
    const deleted = [...buildRun.matchAll(/npm pkg delete ([^&]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/)).map((d) => d.replace(/^dependencies\./, ''));
    expect(deleted).toContain('@ffmpeg-installer/ffmpeg');
    for (const name of deleted) expect(pkg.dependencies, `npm pkg delete ${name}: not a dependency`).toHaveProperty([name]);
    expect(buildRun.indexOf('npm prune --omit=dev')).toBeGreaterThan(buildRun.indexOf('npm pkg delete'));
    expect(buildRun.indexOf('npm pkg delete')).toBeGreaterThan(buildRun.indexOf('node scripts/build.mjs'));
    expect(buildRun).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });

  it(`is based on Node ${NODE_LTS_MAJOR}, the Active LTS line, while the package still supports Node 20`, () => {
    const images = parsed.args.map((a) => a.match(/^ARG NODE_IMAGE=(\S+)/)?.[1]).filter(Boolean);
    expect(images).toEqual([`node:${NODE_LTS_MAJOR}-bookworm-slim`]);
    expect(parsed.stages.map((s) => s.from)).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(dockerfile, 'a digest pin is described').toMatch(new RegExp(`node:${NODE_LTS_MAJOR}-bookworm-slim@sha256:`));
    expect(pkg.engines.node).toBe('>=20');
  });

  it('ships every runtime import: what src/ imports is a production dependency the prune keeps', () => {
    const imports = execSync(`grep -rhoE "from '[^.'][^']*'" src pipelines bin --include=*.ts --include=*.js | sort -u`, { cwd: REPO_ROOT }).toString();
    const packages = new Set(
      imports
        .split('\n')
        .map((l) => l.match(/from '([^']+)'/)?.[1])
        .filter((n): n is string => !!n && !n.startsWith('node:'))
        .map((n) => (n.startsWith('@') ? n.split('/').slice(0, 2).join('/') : n.split('/')[0]!)),
    );
    const pruned = new Set([...dockerfile.matchAll(/dependencies\.(\S+)/g)].map((m) => m[1]!));
    expect(packages.size).toBeGreaterThan(3);
    for (const name of packages) {
      if (name === 'vitest') continue;
      expect(pkg.dependencies, `${name} must be a dependency`).toHaveProperty([name]);
      expect(pruned.has(name), `${name} is imported at run time but pruned from the image`).toBe(false);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps out the repository, dependencies and everything git ignores', async () => {
    for (const name of ['.git', 'node_modules', '.cache', 'out', 'test-artifacts', 'dist']) expect(dockerignore).toContain(name);
    const gitignored = (await text('.gitignore')).split('\n').map((l) => l.trim().replace(/\/$/, '')).filter((l) => l && !l.startsWith('#'));
    for (const name of gitignored) expect(dockerignore, `.gitignore has ${name}`).toContain(name);
  });
});

describe('deploy/containerapp.yaml', () => {
  const container = containerApp.slice(containerApp.indexOf('containers:'));
  const args = JSON.parse(container.match(/^\s+args:\s*(\[.*\])\s*$/m)![1]!) as string[];

  it('passes args only, so the image ENTRYPOINT (tini) stays PID 1', () => {
    expect(containerApp).not.toMatch(/^\s*command:/m);
    expect(containerApp).toMatch(/#.*never `command:`/);
    expect(args[0], 'args replace CMD: they start with the subcommand').toBe(jsonInstruction(runtime, 'CMD')[0]);
  });

  it('passes args the CLI accepts', () => {
    // --help after the options: an unknown option is refused (exit 2) before help prints
    const help = execFileSync(process.execPath, [BIN, ...args, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(help).toMatch(/^Usage: acsrec worker/);
    for (const option of args.filter((a) => a.startsWith('--'))) expect(help, `${option} is a worker option`).toContain(option);
  });
});
