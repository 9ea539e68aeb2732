import { useEffect, useMemo } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { ErrorNote, Loading } from '../components/bits'
import { useBackupProgress } from '../components/backup-progress'
import { BackupTable, type BackupRow } from '../components/backup-table'
import { bytes } from '../format'
import { onLive } from '../live'

/** BackupManager across every service, deleted ones included, with the storage they use. */
export function BackupsPage() {
  const [backups, setBackups] = useState<BackupRow[] | null>(null)
  const [disk, setDisk] = useState<{ total: number; available: number; used: number } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [service, setService] = useState('')
  const progress = useBackupProgress()
  const load = () => {
    call(client.api.backups.$get({ query: {} })).then(
      (b) => {
        setBackups(b.backups as BackupRow[])
        setError(null)
      },
      (e) => setError(errorText(e)),
    )
    call(client.api.services.system.metrics.$get()).then(
      (b) => setDisk(b.metrics.disk.backups),
      () => undefined,
    )
  }
  useEffect(() => {
    load()
    return onLive((batch) => {
      if (batch.some((e) => e.type === 'backup-progress' && ['done', 'stored', 'failed'].includes(e.data.phase))) load()
    })
  }, [])
  const services = useMemo(
    () => [...new Map((backups ?? []).map((b) => [b.serviceId, b.serviceName])).entries()],
    [backups],
  )
  const shown = (backups ?? []).filter((b) => !service || b.serviceId === service)
  const total = (backups ?? []).reduce((sum, b) => sum + b.size, 0)
  return (
    <section aria-labelledby="backups-page-title">
      <h1 id="backups-page-title">Backups</h1>
      <p class="muted" data-testid="backups-total">
        {backups ? `${backups.length} backups, ${bytes(total)} in all` : ''}
        {disk ? ` · backup disk: ${bytes(disk.used)} used, ${bytes(disk.available)} free of ${bytes(disk.total)}` : ''}
      </p>
      <div class="toolbar">
        <label>
          <span class="sr-only">Show backups of</span>
          <select onChange={(e: Event) => setService((e.target as HTMLSelectElement).value)}>
            <option value="">All services</option>
            {services.map(([id, name]) => (
              <option value={id} selected={id === service}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {backups ? (
        <BackupTable backups={shown} progress={progress} onChanged={load} showService />
      ) : error ? null : (
        <Loading what="backups" />
      )}
    </section>
  )
}
