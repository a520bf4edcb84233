import type sharpType from 'sharp';

let loading: Promise<typeof sharpType> | null = null;

/**
 * sharp, loaded on first use: loading libvips takes 30-60 ms, which the start of every run paid
 * before its first stage, though images are made only once the join is under way. Its operation
 * cache is off (each image is made once: the cache would only hold memory, up to 50 MB) and one
 * libvips thread per image is enough (the images are small; the join's threads have the cores).
 */
export function loadSharp(): Promise<typeof sharpType> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
