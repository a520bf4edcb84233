import { createRequire } from 'node:module';

/** `FFMPEG_PATH` wins; otherwise the static build that `@ffmpeg-installer/ffmpeg` ships. */
export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}
