import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { bytes, percent, rate } from '../format'
import { onLive } from '../live'
import { ErrorNote, Loading } from './bits'
import { Chart, type Series } from './chart'

const RANGES = ['1h', '6h', '24h', '7d', '30d'] as const
type Range = (typeof RANGES)[number]
const RANGE_MS: Record<Range, number> = {
  '1h': 3600e3,
  '6h': 6 * 3600e3,
  '24h': 86400e3,
  '7d': 7 * 86400e3,
  '30d': 30 * 86400e3,
}

type Spread = { min: number; avg: number; max: number } | null
type Point = { timestamp: string } & Record<string, number | Spread | null>

const FIELDS = {
  cpu: ['cpu'],
  memory: ['memory'],
  network: ['rxRate', 'txRate'],
  disk: ['readRate', 'writeRate'],
} as const

/** ResourceUsageAnalytics: CPU, memory, network and block I/O over a chosen range, live on 1h. */
export function Analytics({ serviceId }: { serviceId: string }) {
  const [range, setRange] = useState<Range>('1h')
  const [points, setPoints] = useState<Point[] | null>(null)
  const [bucketed, setBucketed] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    setPoints(null)
    setError(null)
    call(
      client.api.services[':containerId'].metrics.$get({
        param: { containerId: serviceId },
        query: { timeRange: range },
      }),
    ).then(
      (body) => {
        if (cancelled) return
        setBucketed(body.metrics.resolution !== 'raw')
        setPoints(body.metrics.historical as unknown as Point[])
      },
      (err) => !cancelled && setError(errorText(err)),
    )
    return () => (cancelled = true)
  }, [serviceId, range])

  useEffect(
    () =>
      onLive((batch) => {
        if (range !== '1h') return
        const fresh = batch.filter((e) => e.type === 'metrics-update' && e.data.serviceId === serviceId)
        if (fresh.length === 0) return
        setPoints((old) => {
          if (!old) return old
          const cutoff = Date.now() - RANGE_MS['1h']
          const added = fresh.map(({ data }) => ({
            timestamp: data.timestamp,
            cpu: data.metrics.cpu?.percentage ?? null,
            memory: data.metrics.memory?.usage ?? null,
            rxRate: data.metrics.network?.rxRate ?? null,
            txRate: data.metrics.network?.txRate ?? null,
            readRate: data.metrics.blockIO?.readRate ?? null,
            writeRate: data.metrics.blockIO?.writeRate ?? null,
          }))
          return [...old, ...added].filter((p) => Date.parse(p.timestamp) >= cutoff)
        })
      }),
    [serviceId, range],
  )

  const to = Date.now()
  const times = (points ?? []).map((p) => Date.parse(p.timestamp))
  // A service younger than the range: the axis starts shortly before its first sample, not at an empty hour.
  const first = times[0] ?? to
  const from = Math.max(to - RANGE_MS[range], first - Math.max(5_000, (to - first) * 0.05))
  const series = (fields: readonly string[], labels: string[]): Series[] =>
    fields.map((f, i) => {
      const raw = (points ?? []).map((p) => p[f] ?? null)
      if (!bucketed) return { label: labels[i]!, cls: i ? 'line2' : 'line', values: raw as (number | null)[] }
      const spreads = raw as Spread[]
      return {
        label: `${labels[i]!} avg`,
        cls: i ? 'line2' : 'line',
        values: spreads.map((s) => s?.avg ?? null),
        band: { min: spreads.map((s) => s?.min ?? null), max: spreads.map((s) => s?.max ?? null) },
      }
    })

  return (
    <section aria-labelledby="analytics-title">
      <h2 id="analytics-title">Resource usage</h2>
      {/* biome-ignore lint/a11y/useSemanticElements: a toolbar of toggle buttons, not a form field set */}
      <div class="tabs" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <button type="button" aria-pressed={r === range ? 'true' : 'false'} onClick={() => setRange(r)}>
            {r}
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
      {!points && !error ? <Loading what="metrics" /> : null}
      {points ? (
        <>
          {points.length === 0 ? (
            <p class="muted">
              No samples in this range yet: the monitor records one every few seconds while the service runs.
            </p>
          ) : null}
          {bucketed ? (
            <p class="muted small">
              Each point is a bucket: the line is the average, the shaded band spans its minimum and maximum.
            </p>
          ) : null}
          <div class="charts">
            <Chart
              title="CPU"
              times={times}
              from={from}
              to={to}
              series={series(FIELDS.cpu, ['CPU'])}
              format={percent}
            />
            <Chart
              title="Memory"
              times={times}
              from={from}
              to={to}
              series={series(FIELDS.memory, ['Used'])}
              format={bytes}
            />
            <Chart
              title="Network"
              times={times}
              from={from}
              to={to}
              series={series(FIELDS.network, ['In', 'Out'])}
              format={rate}
            />
            <Chart
              title="Block I/O"
              times={times}
              from={from}
              to={to}
              series={series(FIELDS.disk, ['Read', 'Write'])}
              format={rate}
            />
          </div>
        </>
      ) : null}
    </section>
  )
}
