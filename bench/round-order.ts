/**
 * The order in which round `round` (from 0) runs the methods: a Williams design. Over n rounds (2n
 * when n is odd) each method runs first once and right after each other method equally often.
 * Rotating the list left each method behind the same one every round, and a place paid for what
 * came before it: at 4 h the same code (acsrec with and without the CA file) took 3.20 s of system
 * time in the place behind `cat` and 1.41 s in the place behind itself, medians of 8 rounds (runs
 * behind `cat` outside the bench showed no such gap: what a place costs is not known). Whatever a
 * run leaves behind now falls on every method alike: balanced, 1.48 against 1.27 s.
 */
export function roundOrder<T>(methods: readonly T[], round: number): T[] {
  const n = methods.length;
  if (!Number.isInteger(round) || round < 0) throw new RangeError(`round ${round}: expected an integer >= 0`);
  const first = [0];
  for (let k = 1; first.length < n; k++) {
    first.push(k);
    if (first.length < n) first.push(n - k);
  }
  const ordered = first.map((i) => methods[(i + round) % n]);
  return n % 2 === 1 && Math.floor(round / n) % 2 === 1 ? ordered.reverse() : ordered;
}
