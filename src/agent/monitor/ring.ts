/**
 * A fixed-capacity ring of timestamped rows of numbers. Times are float64 (epoch ms), values
 * float32: a chart needs seven significant digits, and half the bytes keep a month of history
 * per service small. Storage grows by doubling up to `capacity` rows, so a service with a long
 * interval never pays for the rows a 1-second interval would need.
 */
export class Ring {
  private times: Float64Array
  private values: Float32Array
  private head = 0
  size = 0

  constructor(
    readonly width: number,
    readonly capacity: number,
    initialRows = 64,
  ) {
    const rows = Math.max(1, Math.min(capacity, initialRows))
    this.times = new Float64Array(rows)
    this.values = new Float32Array(rows * width)
  }

  private get allocated() {
    return this.times.length
  }

  /** Bytes held, for the memory bound stated in the README. */
  get bytes() {
    return this.times.byteLength + this.values.byteLength
  }

  private grow() {
    const rows = Math.min(this.capacity, this.allocated * 2)
    const times = new Float64Array(rows)
    const values = new Float32Array(rows * this.width)
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % this.allocated
      times[k] = this.times[i]!
      values.set(this.values.subarray(i * this.width, (i + 1) * this.width), k * this.width)
    }
    this.times = times
    this.values = values
    this.head = 0
  }

  /** Appends a row; when full, the oldest row makes room. */
  push(t: number, row: ArrayLike<number>) {
    if (this.size === this.allocated && this.allocated < this.capacity) this.grow()
    if (this.size === this.allocated) {
      this.head = (this.head + 1) % this.allocated
      this.size -= 1
    }
    const i = (this.head + this.size) % this.allocated
    this.times[i] = t
    this.values.set(row, i * this.width)
    this.size += 1
  }

  /** Forgets rows older than `t` (retention). */
  dropBefore(t: number) {
    while (this.size > 0 && this.times[this.head]! < t) {
      this.head = (this.head + 1) % this.allocated
      this.size -= 1
    }
  }

  lastTime(): number | undefined {
    return this.size ? this.times[(this.head + this.size - 1) % this.allocated] : undefined
  }

  /** Rows with `from <= t < to`, oldest first. The row view is only valid during the callback. */
  forEach(from: number, to: number, fn: (t: number, row: Float32Array) => void) {
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % this.allocated
      const t = this.times[i]!
      if (t < from || t >= to) continue
      fn(t, this.values.subarray(i * this.width, (i + 1) * this.width))
    }
  }
}
