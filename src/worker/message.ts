import { InvalidInputError } from '../errors.ts';
import { parseEvents, parseJsonText, type ParsedEvents } from '../schemas/parse.ts';

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/**
 * Decodes one Storage Queue message into events. Event Grid writes base64-encoded JSON;
 * other producers (and the Azure portal) write plain JSON, so both are accepted.
 */
export function decodeQueueMessage(text: string, label: string): ParsedEvents {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidInputError('empty message', { file: label });
  let json = trimmed;
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    if (!BASE64.test(trimmed)) throw new InvalidInputError('neither JSON nor base64-encoded JSON', { file: label });
    json = Buffer.from(trimmed, 'base64').toString('utf8');
  }
  return parseEvents(parseJsonText(json, label), label);
}

/** How Event Grid would put an event on a queue: base64 of its JSON. */
export function encodeQueueMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}
