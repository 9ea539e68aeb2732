const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

/**
 * A bounded single-consumer queue. `push` returns false once the consumer has fallen `limit`
 * items behind; the producer then drops the consumer instead of buffering without bound.
 *
 * It is read either as an async iterator or, without a promise per item, with `poll(wake)`.
 * An idle queue is a handful of fields: the next item has its own slot and an array exists only
 * while the consumer is more than one item behind, and a consumer that polls parks nothing but
 * its `wake` callback (an event stream waits like this for most of its life, once per client).
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private head: T | undefined = undefined
  // Items after `head`, oldest first; undefined whenever empty.
  private rest: T[] | undefined = undefined
  private wake: (() => void) | undefined = undefined
  private ended = false

  constructor(private readonly limit: number) {}

  get size() {
    return this.head === undefined ? 0 : 1 + (this.rest?.length ?? 0)
  }

  push(item: T): boolean {
    if (this.ended) return false
    // A waiting consumer takes the item at once, so it never counts against the limit.
    if (!this.wake && this.size >= this.limit) return false
    if (this.head === undefined) this.head = item
    else (this.rest ??= []).push(item)
    this.notify()
    return true
  }

  end() {
    this.ended = true
    this.head = undefined
    this.rest = undefined
    this.notify()
  }

  /**
   * The next item; `null` once the queue ended; `undefined` when none waits, and then `wake` is
   * called once, synchronously, as soon as one does (or the queue ends): poll again from there.
   */
  poll(wake: () => void): T | null | undefined {
    const item = this.take()
    if (item !== undefined) return item
    if (this.ended) return null
    this.wake = wake
    return undefined
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.take()
    if (item !== undefined) return Promise.resolve({ value: item, done: false })
    if (this.ended) return Promise.resolve(DONE)
    return new Promise((resolve) => {
      this.wake = () => {
        const next = this.take()
        resolve(next === undefined ? DONE : { value: next, done: false })
      }
    })
  }

  return(): Promise<IteratorResult<T>> {
    this.end()
    return Promise.resolve(DONE)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  private take(): T | undefined {
    const item = this.head
    if (item === undefined) return undefined
    const rest = this.rest
    this.head = rest?.shift()
    if (rest?.length === 0) this.rest = undefined
    return item
  }

  private notify() {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
