import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { ErrorNote, Loading, Progress } from '../components/bits'
import { bytes, duration, percent } from '../format'

type Metrics = Awaited<ReturnType<typeof load>>
const load = async () => (await call(client.api.services.system.metrics.$get())).metrics

/** The host: CPU, memory, load, Docker's and the backups' disks, Docker version and counts. */
export function SystemPage() {
  const [metrics, setMetrics] = useState<Metrics | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let stopped = false
    const tick = () =>
      load().then(
        (m) => {
          if (stopped) return
          setMetrics(m)
          setError(null)
        },
        (e) => !stopped && setError(errorText(e)),
      )
    void tick()
    // No event carries host metrics: a light poll while this page is open (the agent answers from its cache).
    const timer = setInterval(tick, 5000)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [])
  if (!metrics) return error ? <ErrorNote error={error} /> : <Loading what="system metrics" />
  const disk = (label: string, d: Metrics['disk']['dockerRoot']) => (
    <div class="card">
      <h2>{label}</h2>
      {d ? (
        <>
          <Progress value={Math.round(d.percentage)} label={`${label} used`} />
          <p class="small">
            {bytes(d.used)} used of {bytes(d.total)} ({percent(d.percentage)}), {bytes(d.available)} free
          </p>
          <p class="muted small">{d.path}</p>
        </>
      ) : (
        <p class="muted">Not known on this host.</p>
      )}
    </div>
  )
  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">System</h1>
      <ErrorNote error={error} />
      <div class="grid">
        <div class="card">
          <h2>CPU</h2>
          <Progress
            value={metrics.cpu.percentage === null ? null : Math.round(metrics.cpu.percentage)}
            label="CPU used"
          />
          <p class="small">
            {percent(metrics.cpu.percentage)} of {metrics.cpu.cores} cores · load {metrics.load['1m'].toFixed(2)} /{' '}
            {metrics.load['5m'].toFixed(2)} / {metrics.load['15m'].toFixed(2)}
          </p>
        </div>
        <div class="card">
          <h2>Memory</h2>
          <Progress value={Math.round(metrics.memory.percentage)} label="Memory used" />
          <p class="small">
            {bytes(metrics.memory.used)} used of {bytes(metrics.memory.total)}, {bytes(metrics.memory.available)}{' '}
            available
          </p>
        </div>
        {disk("Docker's data", metrics.disk.dockerRoot)}
        {disk('Backups', metrics.disk.backups)}
        <div class="card" data-testid="docker-facts">
          <h2>Docker</h2>
          <dl class="kv">
            <dt>Version</dt>
            <dd>{metrics.docker.version ?? '—'}</dd>
            <dt>API</dt>
            <dd>{metrics.docker.apiVersion ?? '—'}</dd>
            <dt>Containers</dt>
            <dd>
              {metrics.containers.total} ({metrics.containers.running} running, {metrics.containers.stopped} stopped,{' '}
              {metrics.containers.paused} paused)
            </dd>
            <dt>Managed by ZapieRakyat</dt>
            <dd>{metrics.containers.managed}</dd>
            <dt>Host up</dt>
            <dd>{duration(metrics.uptimeSeconds)}</dd>
          </dl>
        </div>
      </div>
    </section>
  )
}
