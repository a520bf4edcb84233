/**
 * What one chunk of an emulated recording is: the ffmpeg arguments of its media (MP4, MP3, WAV
 * mixed or one channel per participant) and its metadata document, as the service writes them.
 */
import { emulatorAudioArgs, emulatorRenderArgs } from './render-args.ts';
import type { RecordingKind } from './recording-options.ts';
import type { ChunkSpec, Timeline } from './timeline.ts';
import { beepExpr, voiceExpr, wallClockExpr, type Speaker } from './voices.ts';

export interface MediaProfile {
  width: number;
  height: number;
  frameRate: number;
  sampleRate: number;
}

/** The call as recorded: its kind, its speakers and (unmixed) the channel of each participant. */
export interface RecordedCall {
  kind: RecordingKind;
  speakers: Speaker[];
  /** Unmixed only: channel by participant id. */
  channels: Map<string, number> | null;
}

/** Whole frames for video; audio-only recordings are cut to the millisecond (16 samples at 16 kHz). */
export function timelineRate(kind: RecordingKind, profile: MediaProfile): number {
  return kind.format === 'mp4' ? profile.frameRate : 1000;
}

/** Number of channels an unmixed WAV has: up to the highest assigned one. */
export function channelCount(call: RecordedCall): number {
  if (!call.channels || call.channels.size === 0) return 1;
  return Math.max(...call.channels.values()) + 1;
}

export function chunkMediaArgs(input: { call: RecordedCall; timeline: Timeline; spec: ChunkSpec; profile: MediaProfile; outFile: string; seed: number }): string[] {
  const { call, timeline, spec, profile, outFile } = input;
  const durationSec = spec.durationMs / 1000;
  if (call.kind.format === 'mp4') {
    return emulatorRenderArgs({ outFile, durationSec, width: profile.width, height: profile.height, frameRate: profile.frameRate, sampleRate: profile.sampleRate, markersSec: spec.markersSec, seed: input.seed });
  }
  const wall = wallClockExpr(timeline, spec);
  const voices = call.speakers.map((s) => voiceExpr(s, call.speakers.length, wall));
  let channelExprs: string[];
  if (call.channels) {
    const byChannel = Array.from({ length: channelCount(call) }, () => '0');
    call.speakers.forEach((s, i) => {
      const channel = call.channels!.get(s.participantId);
      if (channel !== undefined) byChannel[channel] = voices[i]!;
    });
    channelExprs = byChannel;
  } else {
    channelExprs = [[...voices, beepExpr(spec.markersSec)].join('+')];
  }
  return emulatorAudioArgs({ outFile, format: call.kind.format, durationSec, sampleRate: profile.sampleRate, channelExprs });
}

/** `recordingInfo` as the service writes it; MP4 keeps the swapped pair of the 2021 sample. */
function recordingInfo(call: RecordedCall, profile: MediaProfile): Record<string, unknown> {
  const { kind } = call;
  if (kind.format === 'mp4') {
    return {
      contentType: 'mixed',
      channelType: 'audioVideo',
      format: 'mp4',
      audioConfiguration: { sampleRate: String(profile.sampleRate), bitRate: 32000, channels: 1 },
      videoConfiguration: { longerSideLength: profile.width, shorterSideLength: profile.height, framerate: profile.frameRate, bitRate: 1_000_000 },
    };
  }
  const channels = channelCount(call);
  const bitRate = kind.format === 'mp3' ? 32000 : profile.sampleRate * 16 * channels;
  return { contentType: kind.content, channelType: kind.channel, format: kind.format, audioConfiguration: { sampleRate: String(profile.sampleRate), bitRate, channels } };
}

export function chunkMetadata(input: { call: RecordedCall; spec: ChunkSpec; profile: MediaProfile; resourceId: string; callId: string; documentId: string; participantIds: string[] }): Record<string, unknown> {
  const { call, spec } = input;
  return {
    resourceId: input.resourceId,
    callId: input.callId,
    chunkDocumentId: input.documentId,
    chunkIndex: spec.index,
    chunkStartTime: new Date(spec.wallStart).toISOString(),
    chunkDuration: spec.durationMs,
    pauseResumeIntervals: spec.pauses.map((p) => ({ startTime: new Date(p.wallStart).toISOString(), duration: p.durationMs })),
    recordingInfo: recordingInfo(call, input.profile),
    participants: input.participantIds.map((participantId) => {
      const channel = call.channels?.get(participantId);
      return channel === undefined ? { participantId } : { participantId, channel };
    }),
  };
}
