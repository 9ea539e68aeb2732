import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { AppError, withInternal } from '../../errors'
import { isStatus, pullFailureReason, toAppError } from '../docker-errors'

export interface PullProgress {
  layer: string
  status: string
  /** 0–100 for a layer being downloaded or extracted, when Docker says how far it is. */
  percent?: number
  /** Bytes done and in all of this phase (download: compressed bytes), when Docker says. */
  current?: number
  total?: number
  message: string
}

const MB = 1024 * 1024

/** How long a pull may take before the deploy gives up (a large image on a slow line). */
const PULL_TIMEOUT_MS = 30 * 60_000

/**
 * Makes sure `image` is on the host: inspected first, pulled only when missing. Pull progress is
 * reported per layer, at most once per 10 % step, so a big image cannot flood the event stream.
 * A pull that fails (no registry, no such image, no access) is a 502 `image_pull_failed` that
 * says so — never a silent success.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  onProgress: (p: PullProgress) => void,
): Promise<'present' | 'pulled'> {
  try {
    await docker.getImage(image).inspect()
    return 'present'
  } catch (err) {
    if (!isStatus(err, 404)) throw toAppError(err, 'image')
  }
  const fail = (raw: string, reason = pullFailureReason(raw)) =>
    withInternal(
      new AppError(502, 'image_pull_failed', `Image '${image}' is not on this host and could not be pulled: ${reason}`),
      raw,
    )
  let stream: Readable
  try {
    stream = (await docker.pull(image, {
      abortSignal: AbortSignal.timeout(PULL_TIMEOUT_MS),
    } as object)) as unknown as Readable
  } catch (err) {
    const e = err as { json?: { message?: string }; message?: string }
    throw fail(e.json?.message ?? e.message ?? String(err))
  }
  const lastStep = new Map<string, string>()
  let downloaded = false
  let rest = ''
  try {
    for await (const chunk of stream) {
      const lines = (rest + chunk.toString('utf8')).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        if (!line.trim()) continue
        const event = JSON.parse(line) as {
          id?: string
          status?: string
          error?: string
          progressDetail?: { current?: number; total?: number }
        }
        if (event.error) {
          // Docker gives up on a layer only after minutes of retries: say that it had started.
          const reason = pullFailureReason(event.error)
          throw fail(
            event.error,
            downloaded && reason === 'no registry could be reached'
              ? 'the connection to the registry was lost during the download'
              : reason,
          )
        }
        // "Pulling from <repo>" carries the tag as its id: it is not a layer.
        if (!event.id || !event.status || event.status.startsWith('Pulling from')) continue
        const { current, total } = event.progressDetail ?? {}
        if (event.status === 'Downloading' && current) downloaded = true
        const sized = typeof current === 'number' && typeof total === 'number' && total > 0
        const percent = sized ? Math.min(100, Math.floor((current / total) * 100)) : undefined
        const step = `${event.status}:${percent === undefined ? '' : Math.floor(percent / 10)}`
        if (lastStep.get(event.id) === step) continue
        lastStep.set(event.id, step)
        const size = sized ? ` (${(current / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB)` : ''
        onProgress({
          layer: event.id,
          status: event.status,
          ...(sized ? { percent, current, total } : {}),
          message: `${event.status} layer ${event.id}${percent !== undefined ? `: ${percent}%` : ''}${size}`,
        })
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw fail((err as Error).message ?? String(err))
  }
  // The stream can end without an error line and still leave no image (a dropped connection).
  await docker
    .getImage(image)
    .inspect()
    .catch(() => {
      throw fail('pull stream ended without the image', 'the pull ended without the image')
    })
  return 'pulled'
}
