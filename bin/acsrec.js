#!/usr/bin/env node
// Runs the TypeScript sources through tsx so that `npm ci` is the whole set-up (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
