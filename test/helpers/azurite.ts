import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteInstance {
  blobConnectionString: string;
  queueConnectionString: string;
  /** Blob and queue endpoints in one string, as an Azure storage account's own. */
  connectionString: string;
  stop(): Promise<void>;
}

function azuriteEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/azurite.js');
}

/** Starts a real Azurite (blob + queue) in memory on 127.0.0.1 with ports the OS picks. */
export async function startAzurite({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<AzuriteInstance> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      azuriteEntry(),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--blobHost', '127.0.0.1', '--blobPort', '0',
      '--queueHost', '127.0.0.1', '--queuePort', '0',
      '--tableHost', '127.0.0.1', '--tablePort', '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ports = await new Promise<{ blob: number; queue: number }>((resolve, reject) => {
    let output = '';
    const found: { blob?: number; queue?: number } = {};
    const timer = setTimeout(() => fail(new Error(`azurite did not start within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (data: Buffer) => {
      output += data.toString();
      for (const match of output.matchAll(/Azurite (Blob|Queue) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g)) {
        found[match[1]!.toLowerCase() as 'blob' | 'queue'] = Number(match[2]);
      }
      if (found.blob && found.queue) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ blob: found.blob, queue: found.queue });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => fail(new Error(`azurite exited with ${code}: ${output.slice(-500)}`)));
  });
  const blobEndpoint = `BlobEndpoint=http://127.0.0.1:${ports.blob}/${ACCOUNT};`;
  const queueEndpoint = `QueueEndpoint=http://127.0.0.1:${ports.queue}/${ACCOUNT};`;
  const account = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};`;
  return {
    blobConnectionString: account + blobEndpoint,
    queueConnectionString: account + queueEndpoint,
    connectionString: account + blobEndpoint + queueEndpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
