/**
 * A bounded single-consumer queue. `push` returns false once the consumer has fallen `limit`
 * items behind; the producer then drops the consumer instead of buffering without bound.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private items: T[] = []
  private waiting: ((r: IteratorResult<T>) => void) | undefined
  private ended = false

  constructor(private readonly limit: number) {}

  get size() {
    return this.items.length
  }

  push(item: T): boolean {
    if (this.ended) return false
    if (this.waiting) {
      const resolve = this.waiting
      this.waiting = undefined
      resolve({ value: item, done: false })
      return true
    }
    if (this.items.length >= this.limit) return false
    this.items.push(item)
    return true
  }

  end() {
    this.ended = true
    this.items = []
    const resolve = this.waiting
    this.waiting = undefined
    resolve?.({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift()
    if (item !== undefined) return Promise.resolve({ value: item, done: false })
    if (this.ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => (this.waiting = resolve))
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        this.end()
        return { value: undefined, done: true }
      },
    }
  }
}
