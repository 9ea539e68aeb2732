import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { ApiError, call, client, errorText, fieldPath, upload } from '../api'
import { bytes, dateTime } from '../format'
import { onLive } from '../live'
import { ErrorNote, Loading, Progress } from './bits'
import { useBackupProgress } from './backup-progress'
import { BackupTable, type BackupRow } from './backup-table'

/** BackupManager for one service: create with progress, list, upload, schedule and retention, storage. */
export function ServiceBackups({ serviceId }: { serviceId: string }) {
  const [backups, setBackups] = useState<BackupRow[] | null>(null)
  const [storage, setStorage] = useState<{
    service: { bytes: number; count: number }
    filesystem: { total: number; available: number }
  } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const progress = useBackupProgress()
  const param = { containerId: serviceId }
  const load = () => {
    call(client.api.services[':containerId'].backups.$get({ param })).then(
      (b) => setBackups(b.backups as BackupRow[]),
      (e) => setError(errorText(e)),
    )
    call(client.api.services[':containerId'].storage.$get({ param })).then(
      (b) => setStorage(b.storage),
      () => undefined,
    )
  }
  useEffect(() => {
    load()
    return onLive((batch) => {
      if (
        batch.some(
          (e) =>
            e.type === 'backup-progress' &&
            e.data.serviceId === serviceId &&
            ['done', 'stored', 'failed'].includes(e.data.phase),
        )
      )
        load()
    })
  }, [serviceId])
  return (
    <section aria-labelledby="backups-title">
      <h2 id="backups-title">Backups</h2>
      {storage ? (
        <p class="muted small" data-testid="backup-storage">
          {storage.service.count} backup{storage.service.count === 1 ? '' : 's'}, {bytes(storage.service.bytes)} ·{' '}
          {bytes(storage.filesystem.available)} free of {bytes(storage.filesystem.total)} on the backup disk
        </p>
      ) : null}
      <CreateBackup serviceId={serviceId} progress={progress} />
      <ErrorNote error={error} />
      {backups ? <BackupTable backups={backups} progress={progress} onChanged={load} /> : <Loading what="backups" />}
      <UploadBackup serviceId={serviceId} onDone={load} />
      <Schedule serviceId={serviceId} />
    </section>
  )
}

function CreateBackup({
  serviceId,
  progress,
}: {
  serviceId: string
  progress: Map<string, { phase: string; percent: number | null; error?: string }>
}) {
  const [backupId, setBackupId] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim()
    const description = (form.elements.namedItem('description') as HTMLInputElement).value.trim()
    setError(null)
    try {
      const res = await call(
        client.api.services[':containerId'].backups.$post({
          param: { containerId: serviceId },
          query: {},
          json: { name: name || `Backup ${new Date().toLocaleString()}`, ...(description ? { description } : {}) },
        }),
      )
      setBackupId(res.backupId)
      form.reset()
    } catch (err) {
      setError(errorText(err))
    }
  }
  const current = backupId ? progress.get(backupId) : undefined
  return (
    <form class="card" onSubmit={submit} aria-label="Create a backup">
      <div class="grid">
        <div>
          <label for="backup-name">Backup name</label>
          <input id="backup-name" name="name" maxLength={100} placeholder="e.g. before upgrade" />
        </div>
        <div>
          <label for="backup-description">Description (optional)</label>
          <input id="backup-description" name="description" maxLength={500} />
        </div>
      </div>
      <div class="actions">
        <button type="submit">Back up now</button>
      </div>
      {backupId ? (
        <div data-testid="create-progress" aria-live="polite">
          <Progress value={current?.percent ?? null} label="Backup progress" />
          <span class="small">
            {current ? `${current.phase}${current.percent === null ? '' : ` ${current.percent}%`}` : 'starting'}
          </span>
          {current?.error ? <p class="error">{current.error}</p> : null}
        </div>
      ) : null}
      <ErrorNote error={error} />
    </form>
  )
}

function UploadBackup({ serviceId, onDone }: { serviceId: string; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [sent, setSent] = useState<{ name: string; percent: number } | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const file = (form.elements.namedItem('archive') as HTMLInputElement).files?.[0]
    const restore = (form.elements.namedItem('restore') as HTMLInputElement).checked
    if (!file) return setError('Choose a .tar.gz backup archive first.')
    setError(null)
    setStatus(null)
    setSent({ name: file.name, percent: 0 })
    try {
      const query = new URLSearchParams({
        restore: String(restore),
        name: file.name.replace(/\.(tar\.gz|tgz)$/, '').slice(0, 100) || 'Uploaded backup',
      })
      const res = await upload<{ message: string }>(
        `/api/services/${encodeURIComponent(serviceId)}/backups/upload?${query}`,
        file,
        'application/gzip',
        (loaded, total) => setSent({ name: file.name, percent: total ? Math.floor((loaded / total) * 100) : 0 }),
      )
      setStatus(res.message)
      form.reset()
      onDone()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSent(null)
    }
  }
  return (
    <form class="card" onSubmit={submit} aria-label="Upload a backup archive">
      <h3>Upload an archive</h3>
      <label for="upload-archive">Backup archive (.tar.gz, made by ZapieRakyat)</label>
      <input
        id="upload-archive"
        name="archive"
        type="file"
        accept=".gz,.tgz,application/gzip"
        aria-describedby="upload-archive-error"
        aria-invalid={error ? 'true' : undefined}
      />
      <label class="inline">
        <input type="checkbox" name="restore" /> Restore it into this service right away
      </label>
      <div class="actions">
        <button type="submit" disabled={sent !== null}>
          {sent ? 'Uploading…' : 'Upload'}
        </button>
        <span class="small" role="status">
          {status}
        </span>
      </div>
      {sent ? (
        <div data-testid="upload-progress" aria-live="polite">
          <Progress value={sent.percent} label="Upload progress" />
          <span class="small">
            {sent.percent < 100 ? `Uploading ${sent.name}: ${sent.percent}%` : 'Uploaded; checking the archive…'}
          </span>
        </div>
      ) : null}
      <div id="upload-archive-error">
        <ErrorNote error={error} />
      </div>
    </form>
  )
}

interface ScheduleView {
  cron: string
  enabled: boolean
  keepLast?: number
  maxAgeDays?: number
  nextRun: string | null
  lastSuccessAt?: string
  lastError?: string
}

function Schedule({ serviceId }: { serviceId: string }) {
  const [schedule, setSchedule] = useState<ScheduleView | null | undefined>(undefined)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const param = { containerId: serviceId }
  useEffect(() => {
    call(client.api.services[':containerId'].backups.schedule.$get({ param })).then(
      (b) => setSchedule((b as { schedule: ScheduleView | null }).schedule ?? null),
      () => setSchedule(null),
    )
  }, [serviceId])
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim()
    const body = {
      cron: value('cron'),
      enabled: (form.elements.namedItem('enabled') as HTMLInputElement).checked,
      ...(value('keepLast') ? { keepLast: Number(value('keepLast')) } : {}),
      ...(value('maxAgeDays') ? { maxAgeDays: Number(value('maxAgeDays')) } : {}),
    }
    setErrors({})
    setMessage(null)
    try {
      const res = await call(client.api.services[':containerId'].backups.schedule.$put({ param, json: body }))
      setSchedule(res.schedule as ScheduleView)
      setMessage('Schedule saved.')
    } catch (err) {
      if (err instanceof ApiError)
        setErrors(Object.fromEntries(err.details.map((d) => [fieldPath(d)[0] ?? 'cron', d.message])))
      setMessage(errorText(err))
    }
  }
  const remove = async () => {
    try {
      await call(client.api.services[':containerId'].backups.schedule.$delete({ param }))
      setSchedule(null)
      setMessage('Schedule removed.')
    } catch (err) {
      setMessage(errorText(err))
    }
  }
  if (schedule === undefined) return <Loading what="the schedule" />
  const field = (name: string, label: string, props: Record<string, unknown>, value: string) => (
    <div>
      <label for={`schedule-${name}`}>{label}</label>
      <input
        id={`schedule-${name}`}
        name={name}
        value={value}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={`schedule-${name}-error`}
        {...props}
      />
      <div id={`schedule-${name}-error`}>{errors[name] ? <p class="error field-issue">{errors[name]}</p> : null}</div>
    </div>
  )
  return (
    <form class="card" onSubmit={submit} aria-label="Backup schedule" noValidate>
      <h3>Schedule and retention</h3>
      <p class="muted small">
        {schedule
          ? `Next run: ${dateTime(schedule.nextRun)}${schedule.lastSuccessAt ? ` · last success ${dateTime(schedule.lastSuccessAt)}` : ''}`
          : 'No schedule: backups are made only by hand.'}
        {schedule?.lastError ? ` · last error: ${schedule.lastError}` : ''}
      </p>
      <div class="grid">
        {field(
          'cron',
          'When (cron, e.g. 0 3 * * * for 03:00 daily)',
          { required: true },
          schedule?.cron ?? '0 3 * * *',
        )}
        {field(
          'keepLast',
          'Keep at most (backups)',
          { type: 'number', min: 1 },
          schedule?.keepLast ? String(schedule.keepLast) : '',
        )}
        {field(
          'maxAgeDays',
          'Delete after (days)',
          { type: 'number', min: 1 },
          schedule?.maxAgeDays ? String(schedule.maxAgeDays) : '',
        )}
      </div>
      <label class="inline">
        <input type="checkbox" name="enabled" checked={schedule?.enabled ?? true} /> Enabled
      </label>
      <div class="actions">
        <button type="submit">Save schedule</button>
        {schedule ? (
          <button type="button" class="secondary" onClick={remove}>
            Remove schedule
          </button>
        ) : null}
        <span class="small" role="status">
          {message}
        </span>
      </div>
    </form>
  )
}
