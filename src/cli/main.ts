import { existsSync, readFileSync } from 'node:fs';
import { exitCodeOf, PipelineError, UsageError } from '../errors.ts';
import { stderrTerminal } from './terminal.ts';
import type { CommandName } from './command-names.ts';
import { detachABufferFirst } from '../adapters/mp4/table-arena.ts';
import { keepYoungGenerationSmall } from '../adapters/v8/young-generation.ts';

keepYoungGenerationSmall();
detachABufferFirst();

const COMMANDS: Record<CommandName, { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }> = {
  process: { summary: 'post-process one recording (a chunk directory or an event file)', load: () => import('./commands/process.ts') },
  verify: { summary: 'check one MP4 against the expected configuration', load: () => import('./commands/verify.ts') },
  emulate: { summary: 'run a local ACS recording service for development and tests', load: () => import('./commands/emulate.ts') },
  worker: { summary: 'consume recording events from an Azure Storage Queue and archive them', load: () => import('./commands/worker.ts') },
  report: { summary: 'rebuild report.html from an existing output directory', load: () => import('./commands/report.ts') },
};

export const USAGE = `Usage: acsrec <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run 'acsrec <command> --help' for the options of a command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    // one level up from the dist/ bundle, two from src/cli/
    const file = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u))!;
    process.stdout.write(`${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  // own keys only: 'constructor' or 'toString' is no command
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) throw new UsageError(`unknown command '${name}' (try 'acsrec --help')`);
  const module = await command.load();
  return module.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const line = error instanceof PipelineError ? error.toLine() : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    stderrTerminal.clearStatus();
    process.stderr.write(`acsrec: ${line.split('\n')[0]}\n`);
    if (!(error instanceof PipelineError) && process.env.ACSREC_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    process.exitCode = exitCodeOf(error);
  },
);
