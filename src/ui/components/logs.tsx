import { useEffect, useRef } from 'hono/jsx/dom'
import { useState } from '../hooks'

interface Line {
  n: number
  stream: string
  message: string
  timestamp?: string
}

const MAX_LINES = 2000
let seq = 0

function highlight(text: string, query: string) {
  if (!query) return text
  const parts: (string | ReturnType<typeof Mark>)[] = []
  const lower = text.toLowerCase()
  const q = query.toLowerCase()
  let at = 0
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, at)) {
    parts.push(text.slice(at, i), Mark({ text: text.slice(i, i + q.length) }))
    at = i + q.length
  }
  parts.push(text.slice(at))
  return parts
}
const Mark = ({ text }: { text: string }) => <mark>{text}</mark>

/** Live logs: follows the stream (SSE with the session cookie), pause keeps collecting, search highlights. */
export function Logs({ serviceId }: { serviceId: string }) {
  const [lines, setLines] = useState<Line[]>([])
  const [paused, setPaused] = useState(false)
  const [query, setQuery] = useState('')
  const [state, setState] = useState('connecting')
  const buffer = useRef<Line[]>([])
  const pausedRef = useRef(false)
  const box = useRef<HTMLDivElement>(null)
  const frame = useRef(0)

  useEffect(() => {
    buffer.current = []
    setLines([])
    const source = new EventSource(
      `/api/services/${encodeURIComponent(serviceId)}/logs?follow=true&tail=200&timestamps=true`,
      { withCredentials: true },
    )
    const flush = () => {
      frame.current = 0
      if (!pausedRef.current) setLines(buffer.current.slice())
    }
    source.addEventListener('log', (e) => {
      try {
        const line = JSON.parse((e as MessageEvent).data)
        buffer.current.push({
          n: ++seq,
          stream: line.stream,
          message: String(line.message ?? ''),
          timestamp: line.timestamp,
        })
        if (buffer.current.length > MAX_LINES) buffer.current.splice(0, buffer.current.length - MAX_LINES)
        if (!frame.current) frame.current = requestAnimationFrame(flush)
      } catch {
        /* a malformed frame is skipped */
      }
    })
    source.addEventListener('end', () => {
      setState('ended')
      source.close()
    })
    source.onopen = () => setState('following')
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting')
    return () => {
      source.close()
      if (frame.current) cancelAnimationFrame(frame.current)
    }
  }, [serviceId])

  useEffect(() => {
    if (!paused && box.current) box.current.scrollTop = box.current.scrollHeight
  }, [lines, paused])

  const togglePause = () => {
    pausedRef.current = !paused
    setPaused(!paused)
    if (paused) setLines(buffer.current.slice())
  }
  const shown = query ? lines.filter((l) => l.message.toLowerCase().includes(query.toLowerCase())) : lines
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <div class="toolbar">
        <button type="button" class="secondary" onClick={togglePause} aria-pressed={paused ? 'true' : 'false'}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <label>
          <span class="sr-only">Search logs</span>
          <input
            type="search"
            placeholder="Search logs"
            value={query}
            onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)}
          />
        </label>
        <span class="muted small" role="status" data-testid="logs-state">
          {paused ? `paused (${buffer.current.length - lines.length} new)` : state}
          {query ? ` · ${shown.length} matching` : ''}
        </span>
      </div>
      <div class="logs" ref={box} tabindex={0} role="log" aria-label="Log output" data-testid="logs">
        {shown.length === 0 ? <span class="muted">{query ? 'No line matches.' : 'No output yet.'}</span> : null}
        {shown.map((l) => (
          <div class={l.stream === 'stderr' ? 'stderr' : ''} key={l.n}>
            {highlight(l.message, query)}
          </div>
        ))}
      </div>
    </section>
  )
}
