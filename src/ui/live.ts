/**
 * The tab's one event stream (GET /api/events, cookie-authenticated). Events are queued and handed
 * to listeners once per animation frame, so a burst of 100 services' updates costs one render.
 * Per-service health and metrics updates are coalesced (the latest wins, in the place it arrived:
 * a stop that came after a sample still wins over it), which also bounds the queue while a
 * background tab gets no frames.
 */
export interface LiveEvent {
  type: string
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked against the documented schemas by the API suite; the page reads known fields
  data: Record<string, any>
}
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed'

const TYPES = [
  'container-event',
  'service-action',
  'deployment-progress',
  'health-update',
  'metrics-update',
  'health-alert',
  'backup-progress',
  'bulk-progress',
  'reset',
]
const COALESCED = new Set(['health-update', 'metrics-update'])
const MAX_QUEUE = 2000

type Listener = (batch: LiveEvent[]) => void
const listeners = new Set<Listener>()
const statusListeners = new Set<(s: LiveStatus) => void>()
let source: EventSource | null = null
let status: LiveStatus = 'closed'
/** In arrival order; a coalesced event that was superseded leaves a hole (null). */
let queue: (LiveEvent | null)[] = []
/** Where the latest coalesced event of each `type:serviceId` sits in the queue. */
let latest = new Map<string, number>()
let scheduled = false

const schedule = () => {
  if (scheduled) return
  scheduled = true
  requestAnimationFrame(flush)
}

function flush() {
  scheduled = false
  const batch = queue.filter((e): e is LiveEvent => e !== null)
  queue = []
  latest = new Map()
  for (const listener of listeners) listener(batch)
}

/** Drops the holes; answers whether the queue is still over half full (then a reset replaces it, so compacting stays rare). */
function compact() {
  queue = queue.filter((e) => e !== null)
  latest = new Map()
  queue.forEach((e, i) => {
    if (e && COALESCED.has(e.type)) latest.set(`${e.type}:${e.data.serviceId}`, i)
  })
  return queue.length >= MAX_QUEUE / 2
}

function enqueue(event: LiveEvent) {
  if (queue.length >= MAX_QUEUE && compact()) {
    queue = [{ type: 'reset', data: { reason: 'too many events while hidden' } }]
    latest = new Map()
  }
  if (COALESCED.has(event.type)) {
    const key = `${event.type}:${event.data.serviceId}`
    const older = latest.get(key)
    if (older !== undefined) queue[older] = null
    latest.set(key, queue.length)
  }
  queue.push(event)
  schedule()
}

function setStatus(next: LiveStatus) {
  status = next
  for (const l of statusListeners) l(next)
}

export function connectLive() {
  if (source) return
  setStatus('connecting')
  source = new EventSource('/api/events', { withCredentials: true })
  for (const type of TYPES) {
    source.addEventListener(type, (e) => {
      // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked against the documented schemas by the API suite; the page reads known fields
      let data: Record<string, any> = {}
      try {
        data = JSON.parse((e as MessageEvent).data || '{}')
      } catch {
        return
      }
      enqueue({ type, data })
    })
  }
  source.onopen = () => setStatus('live')
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting')
}

export function disconnectLive() {
  source?.close()
  source = null
  setStatus('closed')
}

/** Subscribes to batches of events; answers the unsubscribe function. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function onLiveStatus(listener: (s: LiveStatus) => void): () => void {
  statusListeners.add(listener)
  listener(status)
  return () => statusListeners.delete(listener)
}
