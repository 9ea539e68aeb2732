/**
 * One store read shared by every caller that asks while it waits, without ever answering a
 * caller from a read that began before it asked: a caller that comes while a read is under way
 * waits for the next one, which starts as soon as the running one is done and serves everyone
 * who came meanwhile. So an answer still reflects every write, from any process, that finished
 * before the caller asked — the same freshness as a read per caller — and a store that stops
 * answering fails the next caller within its deadline, but under load one round trip serves
 * many requests instead of each waiting on its own (on the fs store, a thread-pool trip each).
 * With `reuseMs` (the store ping only) a good answer is also taken for that long after its read
 * began, and a read under way is shared if it began less than that long ago: freshness is then
 * bounded by `reuseMs` instead.
 */
/** One read under way or done: when it began, and its answer. */
interface Read<T> {
  began: number
  answer: Promise<T>
}

export function freshRead<T>(
  read: () => Promise<T>,
  options: { reuseMs?: number; now?: () => number } = {},
): () => Promise<T> {
  const now = options.now ?? Date.now
  // Within `reuseMs` of when its read began, a read is fresh enough to share.
  const withinReuse = (began: number) => !!options.reuseMs && now() - began < options.reuseMs
  let running: Read<T> | undefined
  let next: Promise<T> | undefined
  // `reuseMs`: a successful answer may also serve callers who ask within that long after its
  // read began (failures never are: the next caller reads again).
  let reusable: Read<T> | undefined
  const start = () => {
    const current: Read<T> = { began: now(), answer: Promise.resolve().then(read) }
    running = current
    const clear = () => {
      if (running === current) running = undefined
    }
    current.answer.then(() => {
      clear()
      if (options.reuseMs) reusable = current
    }, clear)
    return current.answer
  }
  return () => {
    if (reusable && withinReuse(reusable.began)) return reusable.answer
    if (!running) return start()
    // With reuseMs, a read that began less than that long ago is fresh enough to share: waiting
    // for the one after it doubled the wait of everyone who came meanwhile (the health check's
    // slowest answers, once every reuseMs).
    if (withinReuse(running.began)) return running.answer
    next ??= running.answer
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined
        return start()
      })
    return next
  }
}
