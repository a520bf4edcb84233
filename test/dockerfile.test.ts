import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.ts';

const dockerfile = await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+ /.test(l));
const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));

describe('Dockerfile', () => {
  it('copies only paths that exist in the repository', async () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const sources = line.replace(/^COPY\s+/, '').split(/\s+/).slice(0, -1);
      for (const source of sources) expect(await stat(join(REPO_ROOT, source)).then(() => true, () => false), `${line}: ${source}`).toBe(true);
    }
  });

  it('runs node on the bin the package declares, as a non-root user, with Debian ffmpeg winning', async () => {
    const entrypoint = instructions.find((l) => l.startsWith('ENTRYPOINT'))!;
    const bin = pkg.bin.acsrec.replace(/^\.\//, '');
    expect(entrypoint).toContain(`"node", "/app/${bin}"`);
    expect(entrypoint).not.toMatch(/npx|sh -c/);
    expect(await stat(join(REPO_ROOT, bin)).then((s) => s.isFile())).toBe(true);
    expect(instructions.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(dockerfile).toMatch(/FFMPEG_PATH=\/usr\/bin\/ffmpeg/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bffmpeg\b/);
    expect(instructions.filter((l) => l.startsWith('FROM ')).every((l) => l.includes('node:20'))).toBe(true);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('ships every runtime import: what src/ imports is a production dependency', async () => {
    const { execSync } = await import('node:child_process');
    const imports = execSync(`grep -rhoE "from '[^.'][^']*'" src pipelines bin --include=*.ts --include=*.js | sort -u`, { cwd: REPO_ROOT }).toString();
    const packages = new Set(
      imports
        .split('\n')
        .map((l) => l.match(/from '([^']+)'/)?.[1])
        .filter((n): n is string => !!n && !n.startsWith('node:') && !n.endsWith('.test.ts'))
        .map((n) => (n.startsWith('@') ? n.split('/').slice(0, 2).join('/') : n.split('/')[0])),
    );
    for (const name of packages) if (name !== 'vitest') expect(pkg.dependencies, `${name} must be a dependency`).toHaveProperty([name]);
  });
});
