import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { AppError, withInternal } from '../../errors'
import { isStatus, pullFailureReason, toAppError } from '../docker-errors'

export interface PullProgress {
  layer: string
  status: string
  /** 0–100 for a layer being downloaded or extracted, when Docker says how far it is. */
  percent?: number
  message: string
}

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
        if (event.error) throw fail(event.error)
        if (!event.id || !event.status) continue
        const { current, total } = event.progressDetail ?? {}
        const percent = current !== undefined && total ? Math.min(100, Math.floor((current / total) * 100)) : undefined
        const step = `${event.status}:${percent === undefined ? '' : Math.floor(percent / 10)}`
        if (lastStep.get(event.id) === step) continue
        lastStep.set(event.id, step)
        const size = total ? ` (${(current! / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MB)` : ''
        onProgress({
          layer: event.id,
          status: event.status,
          ...(percent !== undefined ? { percent } : {}),
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
