import { writeFile } from 'node:fs/promises';
import { manifestJsonSchema } from '../src/schemas/manifest.ts';

const target = new URL('../schema/manifest.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
