/**
 * Restart counts seen for one service over time, to tell how many restarts happened within a
 * window. The absolute count says nothing (a service restarted five times last month is fine);
 * an increase now does. A count that goes down belongs to a recreated container: a new baseline.
 */
export class RestartWindow {
  private readings: { at: number; count: number }[] = []

  record(at: number, count: number) {
    const last = this.readings[this.readings.length - 1]
    if (!last || last.count !== count) this.readings.push({ at, count })
  }

  /** Restarts within `[now - windowMs, now]`. */
  increase(now: number, windowMs: number): number {
    const from = now - windowMs
    // Keep one reading from before the window: it is the baseline of the first change inside it.
    while (this.readings.length > 1 && this.readings[1]!.at <= from) this.readings.shift()
    let total = 0
    for (let i = 1; i < this.readings.length; i++) {
      const delta = this.readings[i]!.count - this.readings[i - 1]!.count
      if (delta > 0 && this.readings[i]!.at > from) total += delta
    }
    return total
  }
}
