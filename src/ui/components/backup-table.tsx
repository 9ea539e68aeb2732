import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { bytes, dateTime } from '../format'
import { href, navigate } from '../router'
import { Empty, ErrorNote, Progress, StatusBadge } from './bits'
import type { BackupProgress } from './backup-progress'
import { SecretsOnce } from './secrets-once'

export interface BackupRow {
  id: string
  serviceId: string
  serviceName: string
  name: string
  description?: string
  created_at: string
  size: number
  status: string
  origin: string
  templateId?: string | null
  serviceExists?: boolean
}

/** The backups of one service or of all: download, restore in place, restore into a new service, delete. */
export function BackupTable({
  backups,
  progress,
  onChanged,
  showService,
}: {
  backups: BackupRow[]
  progress: Map<string, BackupProgress>
  onChanged: () => void
  showService?: boolean
}) {
  if (backups.length === 0) return <Empty>No backups yet.</Empty>
  return (
    <div class="table-wrap">
      <table aria-label="Backups">
        <thead>
          <tr>
            <th scope="col">Backup</th>
            {showService ? <th scope="col">Service</th> : null}
            <th scope="col">Created</th>
            <th scope="col">Size</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {backups.map((b) => (
            <BackupLine backup={b} progress={progress.get(b.id)} onChanged={onChanged} showService={showService} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function BackupLine({
  backup: b,
  progress,
  onChanged,
  showService,
}: {
  backup: BackupRow
  progress?: BackupProgress
  onChanged: () => void
  showService?: boolean
}) {
  const [mode, setMode] = useState<'idle' | 'confirm-restore' | 'restoring' | 'new' | 'confirm-delete'>('idle')
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [secrets, setSecrets] = useState<Record<string, string> | null>(null)
  const exists = b.serviceExists !== false
  const restore = async () => {
    setMode('restoring')
    setError(null)
    try {
      await call(
        client.api.services[':containerId'].backups[':backupId'].restore.$post({
          param: { containerId: b.serviceId, backupId: b.id },
        }),
      )
      setMessage(`Restored into ${b.serviceName}.`)
      onChanged()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setMode('idle')
    }
  }
  const restoreNew = async (e: Event) => {
    e.preventDefault()
    const serviceName = (
      (e.target as HTMLFormElement).elements.namedItem('serviceName') as HTMLInputElement
    ).value.trim()
    setError(null)
    setMode('restoring')
    try {
      const res = await call(
        client.api.backups[':backupId'].restore.$post({ param: { backupId: b.id }, json: { serviceName } }),
      )
      setMessage(`Restored into the new service ${res.serviceName}.`)
      if (Object.keys(res.generatedSecrets ?? {}).length) setSecrets(res.generatedSecrets)
      else navigate('services', res.containerName)
      onChanged()
      setMode('idle')
    } catch (err) {
      setError(errorText(err))
      setMode('new')
    }
  }
  const remove = async () => {
    setError(null)
    try {
      await call(client.api.backups[':backupId'].$delete({ param: { backupId: b.id } }))
      onChanged()
    } catch (err) {
      setError(errorText(err))
    }
    setMode('idle')
  }
  const busy = progress && !['done', 'failed', 'stored'].includes(progress.phase)
  return (
    <tr data-backup={b.id}>
      <td>
        <strong>{b.name}</strong> {b.status !== 'ok' ? <StatusBadge state={b.status} /> : null}
        {b.description ? <div class="muted small">{b.description}</div> : null}
        <div class="muted small">{b.origin}</div>
        {busy || (progress && mode === 'restoring') ? (
          <div data-testid="backup-progress">
            <Progress value={progress!.percent} label={`${progress!.operation} progress`} />
            <span class="small">
              {progress!.operation}: {progress!.phase}
              {progress!.percent === null ? '' : ` ${progress!.percent}%`}
            </span>
          </div>
        ) : null}
        {message ? (
          <p class="small" role="status">
            {message}
          </p>
        ) : null}
        {secrets ? <SecretsOnce secrets={secrets} /> : null}
        <ErrorNote error={error} />
      </td>
      {showService ? (
        <td>
          {exists ? <a href={href('services', b.serviceId)}>{b.serviceName}</a> : <span>{b.serviceName}</span>}
          {exists ? null : <div class="muted small">service deleted</div>}
        </td>
      ) : null}
      <td>{dateTime(b.created_at)}</td>
      <td>{bytes(b.size)}</td>
      <td>
        <div class="actions">
          <a class="button secondary" href={`/api/backups/${encodeURIComponent(b.id)}/download`} download>
            Download
          </a>
          {exists ? (
            <button type="button" disabled={mode !== 'idle'} onClick={() => setMode('confirm-restore')}>
              Restore…
            </button>
          ) : null}
          <button type="button" class="secondary" disabled={mode !== 'idle'} onClick={() => setMode('new')}>
            Restore as new…
          </button>
          <button type="button" class="danger" disabled={mode !== 'idle'} onClick={() => setMode('confirm-delete')}>
            Delete…
          </button>
        </div>
        {mode === 'confirm-restore' ? (
          <div class="confirm" role="alertdialog" aria-label="Confirm restore">
            <p>
              Restore “{b.name}” from {dateTime(b.created_at)} into {b.serviceName}? Its current data is replaced by the
              backup's. The service stops while its data is swapped and starts again if it was running. If anything
              fails, it is put back as it was.
            </p>
            <div class="actions">
              <button type="button" onClick={restore}>
                Restore now
              </button>
              <button type="button" class="secondary" onClick={() => setMode('idle')}>
                Cancel
              </button>
            </div>
          </div>
        ) : null}
        {mode === 'new' ? (
          <form class="confirm info" onSubmit={restoreNew} aria-label="Restore into a new service">
            <label for={`new-${b.id}`}>Name of the new service</label>
            <input id={`new-${b.id}`} name="serviceName" required maxLength={64} />
            <p class="small">
              A new service is deployed from the template the backup came from, with this backup's data.
            </p>
            <div class="actions">
              <button type="submit">Restore into new service</button>
              <button type="button" class="secondary" onClick={() => setMode('idle')}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {mode === 'confirm-delete' ? (
          <div class="confirm" role="alertdialog" aria-label="Confirm backup delete">
            <p>Delete the backup “{b.name}”? The archive is removed for good.</p>
            <div class="actions">
              <button type="button" class="danger" onClick={remove}>
                Delete backup
              </button>
              <button type="button" class="secondary" onClick={() => setMode('idle')}>
                Cancel
              </button>
            </div>
          </div>
        ) : null}
      </td>
    </tr>
  )
}
