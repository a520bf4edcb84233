import { InvalidInputError } from '../../errors.ts';
import type { AudioDescription, Mp4Model, Mp4Track, Presentation, SampleTable, VideoDescription } from '../../types/mp4.ts';
import type { AudioTrackProbe, Mp4Probe, SyncSample, VideoTrackProbe } from '../../types/probe.ts';
import { mostCommon, readMp4Model } from './model.ts';
import { presentationTimeSec } from './presentation.ts';
import type { SampleTableArena } from './table-arena.ts';

/** Reads the MP4 model (boxes and tables only, the tables into `tables` when given) and summarises its first video and audio tracks. */
export async function probeMp4(file: string, tables?: SampleTableArena): Promise<Mp4Probe> {
  return summariseModel(await readMp4Model(file, { tables }));
}

export function summariseModel(model: Mp4Model): Mp4Probe {
  const videoTrack = model.tracks.find((t) => t.kind === 'video');
  const audioTrack = model.tracks.find((t) => t.kind === 'audio');
  const video = videoTrack ? summariseVideo(videoTrack, model.file) : null;
  const audio = audioTrack ? summariseAudio(audioTrack, model.file) : null;
  return {
    file: model.file,
    sizeBytes: model.sizeBytes,
    boxes: model.boxes,
    moovBeforeMdat: model.moovBeforeMdat,
    fragmented: model.fragmented,
    durationSec: Math.max(0, ...model.tracks.map((t) => t.presentation.endSec)),
    video,
    audio,
    model,
  };
}

function requireSamples(track: Mp4Track, file: string): void {
  if (track.samples.count === 0) throw new InvalidInputError(`the ${track.kind} track has no samples`, { file });
}

/**
 * Frames per second from the track's own timescale. The samples within a tick of the most common
 * duration count (a dropped frame or the muxer's guess for the last one do not); their mean, so
 * that a 1000-Hz timescale (62, 63, 62, ... at 16 fps) still gives 16. Timestamps are rounded to a
 * tick, so a rate within that rounding of an integer or NTSC (N*1000/1001) rate is that rate.
 */
export function frameRateOf(durations: Uint32Array, timescale: number): number {
  const measured = durations.length > 1 ? durations.subarray(0, -1) : durations;
  const usual = mostCommon(measured, null, 0);
  let sum = 0;
  let n = 0;
  let runs = 0;
  let inRun = false;
  for (let i = 0; i < measured.length; i++) {
    const d = measured[i];
    const kept = Math.abs(d - usual) <= 1;
    if (kept) {
      sum += d;
      n++;
      if (!inRun) runs++;
    }
    inRun = kept;
  }
  if (!n || !sum) return 0;
  const rate = (n * timescale) / sum;
  const tolerance = (rate * 1.5 * runs) / sum;
  for (const nice of [Math.round(rate), Math.round(rate * 1.001) / 1.001]) {
    if (Math.abs(nice - rate) <= tolerance) return Math.round(nice * 1000) / 1000;
  }
  return Math.round(rate * 1000) / 1000;
}

function summariseVideo(track: Mp4Track, file: string): VideoTrackProbe {
  requireSamples(track, file);
  const { samples, presentation, timescale } = track;
  const description = track.descriptions.find((d): d is VideoDescription => d.kind === 'video');
  const syncSamples = syncSamplesOf(samples, presentation, timescale);
  return {
    track,
    codec: description?.codec ?? track.descriptions[0]?.fourcc ?? '',
    width: description?.width ?? 0,
    height: description?.height ?? 0,
    frameRate: frameRateOf(samples.durations, timescale),
    timescale,
    sampleCount: samples.count,
    startSec: presentation.startSec,
    durationSec: presentation.durationSec,
    mediaStartSec: (presentation.spans[0]?.mediaStart ?? 0) / timescale,
    syncSamples,
    parameterSets: description?.parameterSets ?? [],
    nalLengthSize: description?.nalLengthSize ?? 4,
  };
}

/**
 * The loop on its own: inside summariseVideo, V8 optimised the whole summary on it, and the
 * output's track (another map than the chunks') sent it back to be compiled again.
 */
function syncSamplesOf(samples: SampleTable, presentation: Presentation, timescale: number): SyncSample[] {
  const syncSamples: SyncSample[] = [];
  for (let i = 0; i < samples.count; i++) {
    if (!samples.sync[i]) continue;
    const cts = samples.dts[i] + samples.compositionOffsets[i];
    syncSamples.push({ timeSec: presentationTimeSec(presentation, cts, timescale), offset: samples.offsets[i], size: samples.sizes[i] });
  }
  return syncSamples;
}

function summariseAudio(track: Mp4Track, file: string): AudioTrackProbe {
  requireSamples(track, file);
  const { samples, presentation, timescale } = track;
  const description = track.descriptions.find((d): d is AudioDescription => d.kind === 'audio');
  const sampleRate = description?.sampleRate || timescale;
  const toSamples = (ticks: number) => Math.round((ticks * sampleRate) / timescale);
  const first = presentation.spans[0];
  const hidden = first ? first.mediaStart - presentation.composition.start : 0;
  return {
    track,
    codec: description?.codec ?? track.descriptions[0]?.fourcc ?? '',
    sampleRate,
    channels: description?.channels ?? 0,
    audioSpecificConfig: description?.audioSpecificConfig ?? '',
    sampleCount: samples.count,
    samplesPerFrame: description?.samplesPerFrame || toSamples(mostCommon(samples.durations, null, 0)),
    primingSamples: toSamples(Math.max(0, hidden)),
    presentedSamples: presentation.spans.reduce((sum, s) => sum + toSamples(s.mediaEnd - s.mediaStart), 0),
    startSec: presentation.startSec,
    durationSec: presentation.durationSec,
  };
}
