import { useEffect, useRef } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { onLive } from '../live'
import type { ServiceRow } from '../services-store'
import { ErrorNote, Progress, StatusBadge } from './bits'

type Operation = 'start' | 'stop' | 'restart' | 'backup' | 'delete'
type ItemState = { status: 'pending' | 'completed' | 'failed'; error?: string }

/** BulkOperationsManager: one operation over the selected services, with per-item progress and results. */
export function BulkPanel({
  selected,
  names,
  onDone,
  onClear,
}: {
  selected: string[]
  names: Map<string, ServiceRow>
  onDone: () => void
  onClear: () => void
}) {
  const [running, setRunning] = useState<Operation | null>(null)
  const [items, setItems] = useState<Map<string, ItemState> | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [keepData, setKeepData] = useState(true)
  const [error, setError] = useState<string | null>(null)
  // Read by the live listener, which is subscribed once: progress may arrive before a re-render.
  const current = useRef<Operation | null>(null)

  useEffect(
    () =>
      onLive((batch) => {
        const operation = current.current
        if (!operation) return
        const done = batch.filter(
          (e) =>
            e.type === 'bulk-progress' &&
            e.data.operation === operation &&
            (e.data.status === 'completed' || e.data.status === 'failed'),
        )
        if (done.length === 0) return
        setItems((old) => {
          if (!old) return old
          const next = new Map(old)
          for (const { data } of done)
            if (next.has(data.serviceId)) next.set(data.serviceId, { status: data.status, error: data.error })
          return next
        })
      }),
    [],
  )

  const run = async (operation: Operation) => {
    setConfirmDelete(false)
    setError(null)
    setRunning(operation)
    current.current = operation
    const ids = [...selected]
    setItems(new Map(ids.map((id) => [id, { status: 'pending' }])))
    try {
      const result = await call(
        client.api.services.bulk[':operation'].$post({
          param: { operation },
          json: { serviceIds: ids, options: { keepData, consistency: 'pause' } },
        }),
      )
      setItems(
        new Map(
          result.items.map((i) => [
            i.serviceId,
            i.success ? { status: 'completed' } : { status: 'failed', error: i.error },
          ]),
        ),
      )
    } catch (err) {
      setError(errorText(err))
    } finally {
      current.current = null
      setRunning(null)
      onDone()
    }
  }

  const done = items ? [...items.values()].filter((i) => i.status !== 'pending').length : 0
  const total = items?.size ?? 0
  return (
    <section class="bulk card" aria-label="Bulk operations">
      <div class="bulk-actions">
        <strong>{selected.length} selected</strong>
        {(['start', 'stop', 'restart', 'backup'] as const).map((op) => (
          <button type="button" disabled={running !== null} onClick={() => run(op)}>
            {op[0]!.toUpperCase() + op.slice(1)}
          </button>
        ))}
        <button type="button" class="danger" disabled={running !== null} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
        <button type="button" class="secondary" disabled={running !== null} onClick={onClear}>
          Clear selection
        </button>
      </div>
      {confirmDelete ? (
        <div class="confirm" role="alertdialog" aria-label="Confirm bulk delete">
          <p>
            Delete {selected.length} service{selected.length === 1 ? '' : 's'}? Their containers are removed.
          </p>
          <label class="inline">
            <input
              type="checkbox"
              checked={keepData}
              onChange={(e: Event) => setKeepData((e.target as HTMLInputElement).checked)}
            />{' '}
            Keep their data volumes
          </label>
          <button type="button" class="danger" onClick={() => run('delete')}>
            Delete {selected.length}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      <ErrorNote error={error} />
      {items ? (
        <div class="bulk-results" aria-live="polite">
          <Progress value={total ? Math.round((done / total) * 100) : 0} label="Bulk operation progress" />
          <p class="small">{running ? `${running}: ${done} of ${total} done` : `${done} of ${total} done`}</p>
          <ul class="bulk-items">
            {[...items].map(([id, item]) => (
              <li data-bulk-item={id}>
                <StatusBadge state={item.status} /> {names.get(id)?.name ?? id}
                {item.error ? <span class="error small"> — {item.error}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  )
}
