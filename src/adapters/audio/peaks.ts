/**
 * Min/max peaks of every channel in a fixed number of columns, accumulated while the samples
 * stream past: memory is columns x channels whatever the recording's length.
 */
export class PeakColumns {
  /** Per channel: min and max sample of each column (0 where nothing was seen). */
  readonly min: Int16Array[];
  readonly max: Int16Array[];
  private frame = 0;

  constructor(
    readonly columns: number,
    readonly channels: number,
    /** Sample frames the whole recording has; column c covers frames [c*total/columns, (c+1)*total/columns). */
    readonly totalFrames: number,
  ) {
    this.min = Array.from({ length: channels }, () => new Int16Array(columns));
    this.max = Array.from({ length: channels }, () => new Int16Array(columns));
  }

  /** Feeds `frames` interleaved frames of `this.channels` 16-bit samples. */
  push(samples: Int16Array, frames: number): void {
    const { channels, columns, totalFrames } = this;
    let frame = this.frame;
    let done = 0;
    while (done < frames) {
      const column = Math.min(columns - 1, Math.floor((frame * columns) / Math.max(1, totalFrames)));
      const columnEnd = Math.ceil(((column + 1) * totalFrames) / columns);
      const run = Math.max(1, Math.min(frames - done, columnEnd - frame));
      for (let c = 0; c < channels; c++) {
        let lo = this.min[c][column];
        let hi = this.max[c][column];
        for (let i = done * channels + c, end = (done + run) * channels; i < end; i += channels) {
          const v = samples[i];
          if (v < lo) lo = v;
          else if (v > hi) hi = v;
        }
        this.min[c][column] = lo;
        this.max[c][column] = hi;
      }
      done += run;
      frame += run;
    }
    this.frame = frame;
  }

  /** Silence leaves its columns at zero; only the position moves. */
  skip(frames: number): void {
    this.frame += frames;
  }
}
