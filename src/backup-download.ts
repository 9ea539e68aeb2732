import { AppError } from './errors'
import type { BackupDownload } from './schemas/backup'

/**
 * The response headers of a backup download, shared by the API handler and the agent's HTTP
 * server (Web APIs only: it runs on Workers too). The checksum always describes the whole
 * archive, also for a 206 range.
 */
export function downloadHeaders(download: BackupDownload): Record<string, string> {
  const common = {
    'X-Checksum-Sha256': download.sha256,
    'Content-Disposition': `attachment; filename="${download.filename}"`,
    'Accept-Ranges': 'bytes',
    ETag: `"${download.sha256}"`,
    'Cache-Control': 'no-store',
  }
  if (download.status === 416) return { ...common, 'Content-Range': `bytes */${download.size}` }
  return {
    ...common,
    'Content-Type': 'application/gzip',
    'Content-Length': String(download.end - download.start + 1),
    ...(download.status === 206 ? { 'Content-Range': `bytes ${download.start}-${download.end}/${download.size}` } : {}),
  }
}

export const rangeNotSatisfiable = (download: BackupDownload) =>
  new AppError(416, 'range_not_satisfiable', `The requested range is outside the archive (${download.size} bytes)`)

/** Rebuilds a BackupDownload from a response `downloadHeaders` described; the body passes through untouched. */
export function downloadFromResponse(response: Response): BackupDownload {
  const sha256 = response.headers.get('x-checksum-sha256') ?? ''
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'backup.tar.gz'
  const range = response.headers.get('content-range') ?? ''
  if (response.status === 416) {
    return { status: 416, size: Number(/\/(\d+)$/.exec(range)?.[1] ?? 0), sha256, filename }
  }
  const length = Number(response.headers.get('content-length') ?? 0)
  const partial = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range)
  const [start, end, size] = partial
    ? [Number(partial[1]), Number(partial[2]), Number(partial[3])]
    : [0, length - 1, length]
  return { status: partial ? 206 : 200, body: response.body!, size, start, end, sha256, filename }
}
