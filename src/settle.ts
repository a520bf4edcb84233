/**
 * Like Promise.all, but waits for every task before rethrowing the first failure, so that no
 * sibling is still writing into a directory the caller is about to remove.
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(tasks: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
