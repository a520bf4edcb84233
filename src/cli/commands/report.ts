import { readFile, stat } from 'node:fs/promises';
import { MANIFEST_FILE } from '../../types/output-files.ts';
import { join } from 'node:path';
import { InvalidInputError, UsageError } from '../../errors.ts';
import { manifestSchema } from '../../schemas/manifest.ts';
import { parseDocument, parseJsonText } from '../../schemas/parse.ts';
import { writeReport } from '../../stages/report.ts';
import { parseCommandArgs } from '../args.ts';
import { commandLogger } from '../log-format.ts';

const HELP = `Usage: acsrec report <out-dir>

Rebuilds <out-dir>/report.html from <out-dir>/manifest.json (the output of 'acsrec process').
Prints the path of the page on stdout.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, 'report');
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`report: expected one output directory, got ${positionals.length} (try 'acsrec report --help')`);
  const outDir = positionals[0]!;
  const isDir = await stat(outDir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new InvalidInputError('not a directory', { file: outDir });

  const manifestFile = join(outDir, MANIFEST_FILE);
  const text = await readFile(manifestFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(error.code === 'ENOENT' ? 'missing (run acsrec process first)' : `unreadable (${error.code ?? error.message})`, { file: manifestFile });
  });
  const manifest = parseDocument(manifestSchema, parseJsonText(text, manifestFile), manifestFile);
  const { file } = await writeReport({ outDir, manifest }, { logger: commandLogger(undefined, { textLevel: 'warn' }) });
  process.stdout.write(`${file}\n`);
  return 0;
}
