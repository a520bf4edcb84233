// Downloads one URL with downloadToFile in its own process and prints its peak RSS, so a test can
// compare memory across sizes without the test runner's own allocations in the way.
import { downloadToFile } from '../../src/adapters/http/download.ts';

const [url, file] = process.argv.slice(2) as [string, string];
const result = await downloadToFile({ url: new URL(url), file, label: 'child', sign: () => ({}), checkUrl: () => null });
process.stdout.write(`${JSON.stringify({ sizeBytes: result.sizeBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
