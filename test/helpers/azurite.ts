import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's well-known development account (public, documented: not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  blobPort: number;
  queuePort: number;
  /** Blob and queue endpoints of one account: what the SDKs' fromConnectionString take. */
  connectionString: string;
  blobConnectionString: string;
  queueConnectionString: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForListening(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output.slice(-500)}`));
    });
  });
}

function startService(bin: 'azurite-blob' | 'azurite-queue', args: string[], location: string): ChildProcess {
  const script = path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', bin === 'azurite-blob' ? 'blob' : 'queue', 'main.js');
  return spawn(process.execPath, [script, '--inMemoryPersistence', '--disableTelemetry', '--skipApiVersionCheck', ...args], {
    cwd: location,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts Azurite's blob and queue services on free ports of 127.0.0.1, in memory. */
export async function startAzurite(): Promise<RunningAzurite> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'acsrec-azurite-'));
  const [blobPort, queuePort] = [await freePort(), await freePort()];
  const blob = startService('azurite-blob', ['--blobHost', '127.0.0.1', '--blobPort', String(blobPort)], location);
  const queue = startService('azurite-queue', ['--queueHost', '127.0.0.1', '--queuePort', String(queuePort)], location);
  const children = [blob, queue];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    await rm(location, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForListening(blob, /successfully listens|listening at/i, 'azurite-blob'), waitForListening(queue, /successfully listens|listening at/i, 'azurite-queue')]);
  } catch (error) {
    await stop();
    throw error;
  }
  const common = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY}`;
  const blobEndpoint = `BlobEndpoint=http://127.0.0.1:${blobPort}/${AZURITE_ACCOUNT}`;
  const queueEndpoint = `QueueEndpoint=http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT}`;
  return {
    blobPort,
    queuePort,
    connectionString: `${common};${blobEndpoint};${queueEndpoint};`,
    blobConnectionString: `${common};${blobEndpoint};`,
    queueConnectionString: `${common};${queueEndpoint};`,
    stop,
  };
}
