/**
 * Totals of `/proc/<pid>/net/dev` — the counters of the container's network namespace — without
 * the loopback interface, as Docker's stats leave it out too.
 */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0
  let tx = 0
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === -1) continue
    const name = line.slice(0, colon).trim()
    if (name === 'lo' || name.includes('|')) continue
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number)
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit bytes …
    if (fields.length >= 9 && Number.isFinite(fields[0]) && Number.isFinite(fields[8])) {
      rx += fields[0]!
      tx += fields[8]!
    }
  }
  return { rx, tx }
}
