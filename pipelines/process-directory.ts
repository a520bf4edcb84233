import type { DirectoryInput, ProcessOptions, ProcessResult } from '../src/types/pipeline.ts';

/** Stub until the lead's directory pipeline lands on main (it replaces this file at merge). */
export async function processDirectory(_input: DirectoryInput, _options: ProcessOptions): Promise<ProcessResult> {
  throw new Error('processDirectory is not implemented yet');
}
