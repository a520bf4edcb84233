import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size for the rest of the process. By default it
 * doubles whenever enough objects survive its collections, and the probe of a long recording
 * (hundreds of thousands of samples, read before V8 optimises the loops) grew it to 8-16 MB that
 * stayed committed through the copy: the peak grew with the recording's length (tree 120-122 MB at
 * 1 h, 129-132 MB at 4 h; with this 115-116 and 119-122 MB). More, smaller collections cost 40-60 ms
 * of the main thread at 1 h. The growth factor is read each time the space would grow, so setting
 * it now takes effect (the other heap sizes are fixed when the isolate starts).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
