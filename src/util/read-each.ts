/**
 * An iterable over `read(0) .. read(n - 1)` with no object per step: one
 * iterator result is filled in again for each (the iterator protocol asks
 * only that `done` and `value` be read as they come). `show vpdn` walks
 * 1,000 calls through it; a generator cost an iterator result per call.
 */
export function readEach<R>(n: number, read: (i: number) => R): Iterable<R> {
  return {
    [Symbol.iterator](): Iterator<R> {
      let i = 0;
      const step = { done: false, value: undefined as R };
      const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
      return {
        next(): IteratorResult<R> {
          if (i >= n) return end;
          step.value = read(i++);
          return step as IteratorYieldResult<R>;
        },
      };
    },
  };
}
