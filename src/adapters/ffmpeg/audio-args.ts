/** Pure builders of ffmpeg argument lists for audio recordings; the runner executes them. */

/** Decodes an audio file to interleaved 16-bit PCM on stdout, at its own rate and channel count. */
export function decodeToPcmArgs(options: { inputFile: string; inputFormat?: string }): string[] {
  return [...(options.inputFormat ? ['-f', options.inputFormat] : []), '-i', options.inputFile, '-vn', '-map', '0:a:0', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'];
}

/** The control the bench measures against: the chunks joined by the concat demuxer, stream-copied. */
export function concatCopyArgs(options: { listFile: string; outFile: string }): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', options.listFile, '-c', 'copy', options.outFile];
}
