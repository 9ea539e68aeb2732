import { useEffect, useMemo, useRef } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { errorText } from '../api'
import { Empty, ErrorNote, Loading, StatusBadge } from '../components/bits'
import { BulkPanel } from '../components/bulk'
import { bytes, duration, percent } from '../format'
import { onLive } from '../live'
import { href } from '../router'
import { applyEvents, loadRows, type ServiceRow } from '../services-store'

const FILTERS = [
  ['all', 'All'],
  ['running', 'Running'],
  ['stopped', 'Stopped'],
  ['problem', 'Needs attention'],
] as const

const matchesFilter = (row: ServiceRow, filter: string) =>
  filter === 'all' ||
  (filter === 'running' && row.state === 'running') ||
  (filter === 'stopped' && row.state !== 'running') ||
  (filter === 'problem' && (row.status !== 'up' || row.health === 'unhealthy'))

/** Every managed service, live (BulkOperationsManager included). */
export function OverviewPage() {
  const [rows, setRows] = useState<Map<string, ServiceRow> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [filter, setFilter] = useState('all')
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const rowsRef = useRef<Map<string, ServiceRow> | null>(null)
  const refetching = useRef(false)

  const refresh = async () => {
    if (refetching.current) return
    refetching.current = true
    try {
      const fresh = await loadRows()
      rowsRef.current = fresh
      setRows(fresh)
      setError(null)
    } catch (err) {
      setError(errorText(err))
    } finally {
      refetching.current = false
    }
  }

  useEffect(() => {
    void refresh()
    return onLive((batch) => {
      if (!rowsRef.current) return
      const { rows: next, refetch } = applyEvents(rowsRef.current, batch)
      if (next !== rowsRef.current) {
        rowsRef.current = next
        setRows(next)
      }
      if (refetch) void refresh()
    })
  }, [])

  const visible = useMemo(() => {
    if (!rows) return []
    const q = query.trim().toLowerCase()
    return [...rows.values()]
      .filter(
        (r) =>
          matchesFilter(r, filter) &&
          (!q ||
            r.name.toLowerCase().includes(q) ||
            r.image.toLowerCase().includes(q) ||
            (r.serviceType ?? '').includes(q)),
      )
      .sort((a, b) => a.name.localeCompare(b.name))
  }, [rows, query, filter])

  const toggle = (id: string) => {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setSelected(next)
  }
  const allVisibleSelected = visible.length > 0 && visible.every((r) => selected.has(r.serviceId))
  const toggleAll = () => setSelected(allVisibleSelected ? new Set() : new Set(visible.map((r) => r.serviceId)))

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Services</h1>
        <a class="button" href={href('deploy')}>
          Deploy a service
        </a>
      </div>
      <div class="toolbar">
        <label>
          <span class="sr-only">Search services</span>
          <input
            type="search"
            placeholder="Search by name, image or type"
            value={query}
            onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span class="sr-only">Filter by status</span>
          <select value={filter} onChange={(e: Event) => setFilter((e.target as HTMLSelectElement).value)}>
            {FILTERS.map(([value, label]) => (
              <option value={value} selected={value === filter}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {selected.size > 0 && rows ? (
        <BulkPanel
          selected={[...selected].filter((id) => rows.has(id))}
          names={rows}
          onDone={() => void refresh()}
          onClear={() => setSelected(new Set())}
        />
      ) : null}
      {!rows && !error ? <Loading what="services" /> : null}
      {rows && rows.size === 0 ? (
        <Empty>
          No services yet. <a href={href('deploy')}>Deploy your first one</a>.
        </Empty>
      ) : null}
      {rows && rows.size > 0 ? (
        <div class="table-wrap">
          <table class="services" aria-label="Services">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select all shown services"
                    checked={allVisibleSelected}
                    onChange={toggleAll}
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Health</th>
                <th scope="col">CPU</th>
                <th scope="col">Memory</th>
                <th scope="col">Uptime</th>
                <th scope="col">Restarts</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((r) => (
                <tr data-service={r.serviceId} key={r.serviceId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.name}`}
                      checked={selected.has(r.serviceId)}
                      onChange={() => toggle(r.serviceId)}
                    />
                  </td>
                  <td>
                    <a href={href('services', r.serviceId)} class="service-name">
                      {r.name}
                    </a>
                    <div class="muted small">{r.image}</div>
                  </td>
                  <td data-col="state">
                    <StatusBadge state={r.state} />
                  </td>
                  <td data-col="health">
                    {r.health && r.state === 'running' ? (
                      <StatusBadge state={r.health} />
                    ) : (
                      <span class="muted">{r.status}</span>
                    )}
                  </td>
                  <td data-col="cpu">{percent(r.cpu)}</td>
                  <td data-col="memory">
                    {bytes(r.memory)}{' '}
                    <span class="muted small">{r.memoryPercent === null ? '' : percent(r.memoryPercent)}</span>
                  </td>
                  <td>{r.state === 'running' ? duration(r.uptimeSeconds) : '—'}</td>
                  <td>{r.restartCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {visible.length === 0 ? <Empty>No service matches this search or filter.</Empty> : null}
        </div>
      ) : null}
    </section>
  )
}
