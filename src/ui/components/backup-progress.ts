import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { onLive } from '../live'

export interface BackupProgress {
  operation: string
  phase: string
  percent: number | null
  error?: string
}

/** Live `backup-progress` of every backup, upload and restore, keyed by backup id. */
export function useBackupProgress(): Map<string, BackupProgress> {
  const [progress, setProgress] = useState<Map<string, BackupProgress>>(new Map())
  useEffect(
    () =>
      onLive((batch) => {
        const events = batch.filter((e) => e.type === 'backup-progress' && typeof e.data.backupId === 'string')
        if (events.length === 0) return
        setProgress((old) => {
          const next = new Map(old)
          for (const { data } of events)
            next.set(data.backupId, {
              operation: data.operation,
              phase: data.phase,
              percent: data.percent ?? null,
              error: data.error,
            })
          return next
        })
      }),
    [],
  )
  return progress
}
