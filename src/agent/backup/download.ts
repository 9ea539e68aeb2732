import { open, type FileHandle } from 'node:fs/promises'
import { notFound } from '../../errors'
import type { BackupDownload, BackupRecord } from '../../schemas/backup'
import type { BackupEngine } from './engine'
import { getRecord } from './records'

const CHUNK = 256 * 1024

/**
 * `Range: bytes=…` against a file of `size` bytes: the one range asked for, `unsatisfiable`
 * (416), or null for "send everything" — also for multiple ranges, which RFC 9110 lets a
 * server answer with the whole representation, and for anything it cannot parse.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return null
  const [, from, to] = match as unknown as [string, string, string]
  if (from === '' && to === '') return null
  if (from === '') {
    const suffix = Number(to)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(from)
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (to !== '' && Number(to) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}

export function downloadName(record: Pick<BackupRecord, 'serviceId' | 'id'>): string {
  return `backup-${record.serviceId}-${record.id}.tar.gz`
}

/**
 * Opens a backup for download: a pull-based stream over the archive file itself (or the range
 * asked for), read as the client consumes it — no temporary copy, no buffering. The file is
 * opened before answering, so a missing archive is a 404, not a broken stream.
 */
export async function openDownload(
  engine: BackupEngine,
  serviceId: string,
  backupId: string,
  range?: string,
): Promise<BackupDownload> {
  const record = await getRecord(engine, serviceId, backupId)
  const file = engine.paths.archive(serviceId, backupId)
  const handle = await open(file, 'r').catch(() => {
    throw notFound('backup archive', backupId)
  })
  const size = (await handle.stat()).size
  const meta = { size, sha256: record.sha256, filename: downloadName(record) }
  const wanted = parseRange(range, size)
  if (wanted === 'unsatisfiable') {
    await handle.close()
    return { status: 416, ...meta }
  }
  const start = wanted?.start ?? 0
  const end = wanted?.end ?? size - 1
  return { status: wanted ? 206 : 200, body: fileRangeStream(handle, start, end), start, end, ...meta }
}

function fileRangeStream(handle: FileHandle, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await handle.close().catch(() => {})
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const remaining = end - position + 1
        if (remaining <= 0) {
          await close()
          controller.close()
          return
        }
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK, remaining))
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
        if (bytesRead === 0) throw new Error('the archive shrank while it was being sent')
        position += bytesRead
        controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead))
      } catch (err) {
        await close()
        controller.error(err)
      }
    },
    cancel: close,
  })
}
