import { fileURLToPath } from 'node:url';
import { keepYoungGenerationSmall } from '../adapters/v8/young-generation.ts';
import { runWithCodeCache } from '../adapters/v8/code-cache.ts';
import { COMMAND_NAMES } from './command-names.ts';

// dist/acsrec.mjs: runs dist/acsrec.cjs (main.ts) from its code cache. The young generation's hold
// comes first: V8 accepts a cache only under the flags that were set when it was made, at exit
keepYoungGenerationSmall();
runWithCodeCache(fileURLToPath(new URL('./acsrec.cjs', import.meta.url)), {
  importModule: (specifier) => import(specifier),
  // each command compiles functions of its own: the cache its first run left serves its next
  variant: COMMAND_NAMES.find((name) => name === process.argv[2]) ?? 'other',
});
