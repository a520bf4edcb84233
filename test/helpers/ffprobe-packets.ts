import { spawnSync } from 'node:child_process';
import { FFPROBE } from './mp4-variants.ts';

export interface ProbedPacket {
  pts: number;
  dts: number;
  duration: number;
  size: number;
  pos: number;
  keyframe: boolean;
  discard: boolean;
}

export interface ProbedStream {
  trackId: number;
  codecType: string;
  startSec: number;
  durationSec: number;
  packets: ProbedPacket[];
}

/** What Debian's ffprobe reads: streams by track id, each with its packets in decoding order. */
export function ffprobe(file: string, options: { ignoreEditList?: boolean } = {}): Map<number, ProbedStream> {
  const args = ['-v', 'error', ...(options.ignoreEditList ? ['-ignore_editlist', '1'] : [])];
  args.push('-show_packets', '-show_streams', '-show_entries', 'stream=index,id,codec_type,start_time,duration:packet=stream_index,pts,dts,duration,size,pos,flags', '-of', 'json', file);
  const run = spawnSync(FFPROBE, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`ffprobe ${file}: ${run.stderr}`);
  const json = JSON.parse(run.stdout) as {
    streams: { index: number; id: string; codec_type: string; start_time: string; duration: string }[];
    packets: { stream_index: number; pts: number; dts: number; duration: number; size: string; pos: string; flags: string }[];
  };
  const streams = new Map<number, ProbedStream>();
  const byIndex = new Map<number, ProbedStream>();
  for (const s of json.streams) {
    const stream = { trackId: Number(s.id), codecType: s.codec_type, startSec: Number(s.start_time), durationSec: Number(s.duration), packets: [] };
    streams.set(stream.trackId, stream);
    byIndex.set(s.index, stream);
  }
  for (const p of json.packets) {
    byIndex.get(p.stream_index)!.packets.push({
      pts: p.pts,
      dts: p.dts,
      duration: p.duration,
      size: Number(p.size),
      pos: Number(p.pos),
      keyframe: p.flags.includes('K'),
      discard: p.flags.includes('D'),
    });
  }
  return streams;
}
