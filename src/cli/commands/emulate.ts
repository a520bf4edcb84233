import { UsageError } from '../../errors.ts';
import { startEmulator } from '../../emulator/server.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { commandLogger, logFormatUsage, LOG_OPTIONS } from '../log-format.ts';

export const EMULATE_USAGE = `Usage: acsrec emulate [options]

A local ACS recording service for development and tests (127.0.0.1 only unless --host).
Prints one JSON line {"endpoint", "connectionString"} on stdout once listening; logs go to stderr.
What a recording holds (MP4, mixed MP3/WAV, unmixed WAV) is chosen by the start request, as the
service does: recordingContent, recordingChannel, recordingFormat, audioChannelParticipantOrdering,
channelAffinity (see docs/emulator.md).

Options:
  --host <addr>                     listen address (default 127.0.0.1)
  --port <n>                        port, 0 = any free port (default 0)
  --access-key <base64>             HMAC key of the connection string (default: random)
  --webhook <url>                   Event Grid delivery to this URL (repeatable)
  --queue-connection-string <cs>    Storage Queue delivery (with --queue)
  --queue <name>                    queue name
  --chunk-max-seconds <s>           split longer recordings (default 14400 = 4 h of media)
  --time-scale <x>                  one real second records x seconds (default 1)
  --fps <8|16>                      frame rate of recorded video (default 8)
  --retention-hours <h>             documents expire after this long, emulated clock (default 24)
  --fault-rate <0..1>               share of download requests that fail like real ones (default 0)
${logFormatUsage(36)}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'access-key': { type: 'string' },
      webhook: { type: 'string', multiple: true },
      'queue-connection-string': { type: 'string' },
      queue: { type: 'string' },
      'chunk-max-seconds': { type: 'string' },
      'time-scale': { type: 'string' },
      fps: { type: 'string' },
      'retention-hours': { type: 'string' },
      'fault-rate': { type: 'string' },
      ...LOG_OPTIONS,
    },
    'emulate',
  );
  if (values.help) {
    process.stdout.write(`${EMULATE_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`emulate: unexpected argument '${positionals[0]}'`);
  const accessKey = values['access-key'] as string | undefined;
  if (accessKey !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(accessKey) || Buffer.from(accessKey, 'base64').length < 16)) {
    throw new UsageError('--access-key: expected base64 of at least 16 bytes');
  }
  const webhooks = (values.webhook as string[] | undefined) ?? [];
  for (const url of webhooks) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--webhook: expected an http(s) URL, got '${url}'`);
  }
  const queueCs = values['queue-connection-string'] as string | undefined;
  const queueName = values.queue as string | undefined;
  if (Boolean(queueCs) !== Boolean(queueName)) throw new UsageError('--queue-connection-string and --queue go together');
  if (queueName && !/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName)) throw new UsageError(`--queue: '${queueName}' is not a valid queue name`);
  const fps = numberOption(values.fps as string | undefined, 'fps', { integer: true }) ?? 8;
  if (fps !== 8 && fps !== 16) throw new UsageError(`--fps: expected 8 or 16, got '${values.fps as string}'`);

  const logger = commandLogger(values['log-format'] as string | undefined, { fields: { component: 'emulator' } });
  const emulator = await startEmulator({
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: numberOption(values.port as string | undefined, 'port', { integer: true, min: 0, max: 65535 }) ?? 0,
    accessKey,
    sinks: { webhooks, queue: queueCs && queueName ? { connectionString: queueCs, name: queueName } : undefined },
    chunkMaxSeconds: numberOption(values['chunk-max-seconds'] as string | undefined, 'chunk-max-seconds', { min: 1 }) ?? 4 * 3600,
    timeScale: numberOption(values['time-scale'] as string | undefined, 'time-scale', { min: 0.001, max: 10_000 }) ?? 1,
    fps,
    retentionHours: numberOption(values['retention-hours'] as string | undefined, 'retention-hours', { min: 0 }) ?? 24,
    faultRate: numberOption(values['fault-rate'] as string | undefined, 'fault-rate', { min: 0, max: 1 }) ?? 0,
    logger,
  });
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint, connectionString: emulator.connectionString })}\n`);
  logger.info('emulator listening', { endpoint: emulator.endpoint });

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await emulator.close();
  return 0;
}
