import { open, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { ensureDir, syncDir, type BackupPaths } from './paths'

/**
 * What a running job has done to a service that must be undone if the agent dies mid-way:
 * written and flushed to disk BEFORE the service is touched, removed after it is put back, and
 * acted on by crash recovery at the next start.
 */
export const Intent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('freeze'),
    backupId: z.string(),
    serviceId: z.string(),
    containerId: z.string(),
    /** `paused`: unpause it; `stopped`: start it again. */
    action: z.enum(['paused', 'stopped']),
    at: z.string(),
  }),
  z.object({
    kind: z.literal('restore'),
    backupId: z.string(),
    serviceId: z.string(),
    /** The container as it was, renamed to `parkedName` while the restored one takes its name. */
    containerId: z.string(),
    name: z.string(),
    parkedName: z.string(),
    wasRunning: z.boolean(),
    wasPaused: z.boolean(),
    /** Created for the restore (named here before they exist); removed when it is undone. */
    freshVolumes: z.array(z.string()),
    /** The volumes the restore replaces: retired by recovery when it completes the restore. */
    replacedVolumes: z.array(z.string()).optional(),
    /**
     * `swapping`: the old container may be mid-stop — Docker carries on a stop whose caller died,
     * so recovery must wait that stop out before it starts the old container again.
     * `committing`: the old container is being removed; the new one has settled.
     */
    phase: z.enum(['preparing', 'swapping', 'committing']).optional(),
    newContainerId: z.string().optional(),
    helperId: z.string().optional(),
    at: z.string(),
  }),
])
export type Intent = z.infer<typeof Intent>

export class IntentLog {
  constructor(private readonly paths: BackupPaths) {}

  /** Writes (or replaces) the marker and flushes it, so it survives a SIGKILL or a power cut. */
  async record(intent: Intent): Promise<void> {
    await ensureDir(this.paths.intentsDir)
    const file = this.paths.intent(intent.backupId)
    const temp = `${file}.tmp`
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(intent))
      await handle.sync()
    } catch (err) {
      // A full disk: the job fails before touching the service, and leaves no half-written marker.
      await handle.close().catch(() => {})
      await rm(temp, { force: true })
      throw err
    }
    await handle.close()
    await rename(temp, file)
    await syncDir(this.paths.intentsDir)
  }

  async clear(backupId: string): Promise<void> {
    await rm(this.paths.intent(backupId), { force: true })
  }

  /** Every readable marker; unreadable ones are returned by file name so they can be reported. */
  async list(): Promise<{ intents: Intent[]; unreadable: string[] }> {
    const intents: Intent[] = []
    const unreadable: string[] = []
    let names: string[]
    try {
      names = await readdir(this.paths.intentsDir)
    } catch {
      return { intents, unreadable }
    }
    for (const name of names) {
      const file = path.join(this.paths.intentsDir, name)
      if (name.endsWith('.tmp')) {
        // A marker that never got renamed into place: nothing was touched after it.
        await rm(file, { force: true })
        continue
      }
      const parsed = Intent.safeParse(
        await readFile(file, 'utf8')
          .then(JSON.parse)
          .catch(() => null),
      )
      if (parsed.success) intents.push(parsed.data)
      else unreadable.push(name)
    }
    return { intents, unreadable }
  }
}
