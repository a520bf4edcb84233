/** Long-term storage of finished recordings, one prefix `<callId>/<recordingId>/` each. */
export interface RecordingArchive {
  /** Where the files of a prefix live (a URL or a path), for logs and results. */
  locationOf(prefix: string): string;
  /**
   * True only when `manifest.json` is there and the recording (`output.file`), every thumbnail, the waveform and every channel file it names are
   * present with the size (and hash) it states. A half-written archive is never complete.
   */
  isComplete(prefix: string): Promise<boolean>;
  /** Copies a finished output directory under the prefix, `manifest.json` last; returns its location. */
  publish(prefix: string, outDir: string, options?: { signal?: AbortSignal }): Promise<string>;
}
