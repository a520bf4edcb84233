/**
 * The start options that choose what the service records (`recordingContentType`,
 * `recordingChannelType`, `recordingFormatType`, `audioChannelParticipantOrdering`,
 * `channelAffinity`), checked the way the service checks them. Pure: a request body in, a
 * recording kind or a 400 out.
 */
export type RecordingContent = 'audio' | 'audioVideo';
export type RecordingChannel = 'mixed' | 'unmixed';
export type RecordingFormat = 'mp3' | 'mp4' | 'wav';

export interface RecordingKind {
  content: RecordingContent;
  channel: RecordingChannel;
  format: RecordingFormat;
}

/** The service's maximum of unmixed audio channels. */
export const MAX_UNMIXED_CHANNELS = 5;

/** A call participant as the emulator knows it: its raw id, and the channel it is recorded on (unmixed). */
export interface RequestedParticipants {
  /** Participants named by the request, in the order they were named (ordering first). */
  named: string[];
  /** Channel fixed by `channelAffinity`, by raw id. */
  affinity: Map<string, number>;
  /** Channel order asked by `audioChannelParticipantOrdering`. */
  ordering: string[];
}

export interface StartOptions {
  kind: RecordingKind;
  participants: RequestedParticipants;
}

export class StartOptionsError extends Error {
  constructor(
    message: string,
    readonly target: string,
  ) {
    super(message);
  }
}

export const DEFAULT_KIND: RecordingKind = { content: 'audioVideo', channel: 'mixed', format: 'mp4' };

function enumValue<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined || value === null) return fallback;
  const found = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!found) throw new StartOptionsError(`${field} must be one of ${allowed.join(', ')} (was '${String(value)}')`, field);
  return found;
}

/** The combinations the service records; anything else it refuses with 400. */
export function checkKind(kind: RecordingKind): void {
  const { content, channel, format } = kind;
  if (content === 'audioVideo' && (channel !== 'mixed' || format !== 'mp4')) {
    throw new StartOptionsError(`audioVideo is recorded mixed as mp4 only (asked ${channel} ${format})`, channel !== 'mixed' ? 'recordingChannelType' : 'recordingFormatType');
  }
  if (content === 'audio' && channel === 'mixed' && format !== 'mp3' && format !== 'wav') {
    throw new StartOptionsError(`mixed audio is recorded as mp3 or wav (asked ${format})`, 'recordingFormatType');
  }
  if (content === 'audio' && channel === 'unmixed' && format !== 'wav') {
    throw new StartOptionsError(`unmixed audio is recorded as wav only (asked ${format})`, 'recordingFormatType');
  }
}

/** The raw id of a `CommunicationIdentifierModel` (`rawId`, else what its kind implies). */
export function rawIdOf(model: unknown, field: string): string {
  const m = (typeof model === 'object' && model !== null ? model : {}) as Record<string, Record<string, unknown> | string | undefined>;
  const nested = (key: string, inner: string) => (typeof m[key] === 'object' && m[key] !== null ? (m[key] as Record<string, unknown>)[inner] : undefined);
  const phone = nested('phoneNumber', 'value');
  const candidates = [m.rawId, nested('communicationUser', 'id'), typeof phone === 'string' ? `4:${phone}` : undefined, nested('microsoftTeamsUser', 'userId')];
  const id = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  if (!id) throw new StartOptionsError(`${field} names a participant without an id`, field);
  return id;
}

/** Reads and checks the start options of a request body (both API surfaces use these names). */
export function parseStartOptions(body: Record<string, unknown>): StartOptions {
  const kind: RecordingKind = {
    content: enumValue(body.recordingContentType, ['audio', 'audioVideo'] as const, 'recordingContentType', DEFAULT_KIND.content),
    channel: enumValue(body.recordingChannelType, ['mixed', 'unmixed'] as const, 'recordingChannelType', DEFAULT_KIND.channel),
    format: enumValue(body.recordingFormatType, ['mp3', 'mp4', 'wav'] as const, 'recordingFormatType', DEFAULT_KIND.format),
  };
  checkKind(kind);
  const list = (field: string): unknown[] => {
    const value = body[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new StartOptionsError(`${field} must be an array`, field);
    return value;
  };
  const ordering = list('audioChannelParticipantOrdering').map((p) => rawIdOf(p, 'audioChannelParticipantOrdering'));
  const affinity = new Map<string, number>();
  for (const entry of list('channelAffinity')) {
    const { participant, channel } = (entry ?? {}) as { participant?: unknown; channel?: unknown };
    const id = rawIdOf(participant, 'channelAffinity');
    if (!Number.isInteger(channel) || (channel as number) < 0 || (channel as number) >= MAX_UNMIXED_CHANNELS) {
      throw new StartOptionsError(`channelAffinity: channel must be an integer from 0 to ${MAX_UNMIXED_CHANNELS - 1} (was ${JSON.stringify(channel)})`, 'channelAffinity');
    }
    if (affinity.has(id)) throw new StartOptionsError(`channelAffinity names ${id} twice`, 'channelAffinity');
    if ([...affinity.values()].includes(channel as number)) throw new StartOptionsError(`channelAffinity gives channel ${String(channel)} twice`, 'channelAffinity');
    affinity.set(id, channel as number);
  }
  if (new Set(ordering).size !== ordering.length) throw new StartOptionsError('audioChannelParticipantOrdering names a participant twice', 'audioChannelParticipantOrdering');
  if ((ordering.length > 0 || affinity.size > 0) && kind.channel !== 'unmixed') {
    const field = ordering.length > 0 ? 'audioChannelParticipantOrdering' : 'channelAffinity';
    throw new StartOptionsError(`${field} applies to unmixed recordings only`, field);
  }
  const named = [...new Set([...ordering, ...affinity.keys()])];
  if (named.length > MAX_UNMIXED_CHANNELS) {
    throw new StartOptionsError(`at most ${MAX_UNMIXED_CHANNELS} participants get their own channel (${named.length} named)`, 'audioChannelParticipantOrdering');
  }
  return { kind, participants: { named, affinity, ordering } };
}

/**
 * Channel of each participant: `channelAffinity` first, then `audioChannelParticipantOrdering`
 * on the lowest free channels, then the rest in the order they were first heard.
 */
export function assignChannels(input: { affinity: ReadonlyMap<string, number>; ordering: readonly string[]; bySpeakingOrder: readonly string[] }): Map<string, number> {
  const channels = new Map(input.affinity);
  const taken = new Set(channels.values());
  let next = 0;
  for (const id of [...input.ordering, ...input.bySpeakingOrder]) {
    if (channels.has(id)) continue;
    while (taken.has(next)) next++;
    if (next >= MAX_UNMIXED_CHANNELS) break;
    channels.set(id, next);
    taken.add(next);
  }
  return channels;
}

export const EVENT_TYPE_NAMES = {
  content: { audio: 'Audio', audioVideo: 'AudioVideo' },
  channel: { mixed: 'Mixed', unmixed: 'Unmixed' },
  format: { mp3: 'Mp3', mp4: 'Mp4', wav: 'Wav' },
} as const;

export const MEDIA_CONTENT_TYPES: Record<RecordingFormat, string> = { mp4: 'video/mp4', mp3: 'audio/mpeg', wav: 'audio/wav' };
