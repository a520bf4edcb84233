/** One method against another round by round, each round's ratio being a's time over b's in that round. */
export interface PairedRatios {
  median: number;
  min: number;
  max: number;
  /** Rounds in which a took less time than b. */
  aFaster: number;
  rounds: number;
}

/**
 * The two run within seconds of each other in a round, so a ratio per round cancels much of what
 * other load on the machine does to both, which a ratio of two medians taken over the whole bench
 * does not: the concat's median moved 0.73-0.87 s between runs of the bench at 1 h.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): PairedRatios {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`paired ratios need as many rounds of each, at least one: ${a.length} and ${b.length}`);
  const ratios = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  const mid = ratios.length >> 1;
  return {
    median: ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2,
    min: ratios[0],
    max: ratios[ratios.length - 1],
    aFaster: a.filter((x, i) => x < b[i]).length,
    rounds: a.length,
  };
}
