/** Names of the files a run writes into `--out` (and the worker archives), fixed by the contract. */
export const MANIFEST_FILE = 'manifest.json';
export const RECORDING_FILE = 'recording.mp4';
