import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** What the registry does to a request, so a test can make it fail the way real ones do. */
export type RegistryFault =
  | { kind: 'none' }
  /** Every request but `GET /v2/` answers this status (a registry with a broken backend). */
  | { kind: 'status'; status: number }

export interface TestRegistry {
  /** `127.0.0.1:<port>`: the prefix of an image name that lives here. */
  host: string
  port: number
  /** Bytes per second for blob downloads; 0 = as fast as the socket takes them. */
  throttle(bytesPerSecond: number): void
  fault(fault: RegistryFault): void
  /** Resolves once a blob download has sent at least `bytes` of its body. */
  blobBytesSent(bytes: number): Promise<void>
  /** The registry goes away: every open socket destroyed, the port closed. */
  close(): Promise<void>
  /** Requests seen, `METHOD path`, for assertions and for debugging a failing test. */
  requests: string[]
}

// The distribution spec's repository name and digest grammar: anything else is a 404, never a path.
const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*'
const DIGEST = 'sha256:[a-f0-9]{64}'
const REFERENCE = `(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|${DIGEST})`
const ROUTES = {
  blob: new RegExp(`^/v2/(${NAME})/blobs/(${DIGEST})$`),
  uploadStart: new RegExp(`^/v2/(${NAME})/blobs/uploads/$`),
  upload: new RegExp(`^/v2/(${NAME})/blobs/uploads/([0-9a-f-]{36})$`),
  manifest: new RegExp(`^/v2/(${NAME})/manifests/(${REFERENCE})$`),
}
const MAX_BODY = 256 * 1024 * 1024
const CHUNK = 32 * 1024

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`

/**
 * A Docker Registry HTTP API v2 on 127.0.0.1 (which Docker trusts over plain HTTP by default),
 * in memory: enough of the distribution spec for `docker push` to fill it and `docker pull` to
 * read it — `GET /v2/`, blob HEAD/GET, chunked and monolithic uploads with digest verification,
 * manifest HEAD/GET/PUT by tag or digest. Blob downloads can be throttled so pull progress is
 * visible, and the registry can fail (a status on every call) or go away mid-download.
 */
export async function startTestRegistry(): Promise<TestRegistry> {
  const blobs = new Map<string, Buffer>()
  const manifests = new Map<string, { body: Buffer; type: string; digest: string }>()
  const uploads = new Map<string, Buffer[]>()
  const sockets = new Set<Socket>()
  const waiters: { bytes: number; resolve: () => void }[] = []
  const requests: string[] = []
  let bytesPerSecond = 0
  let fault: RegistryFault = { kind: 'none' }
  let mostSent = 0

  const sent = (bytes: number) => {
    mostSent = Math.max(mostSent, bytes)
    for (const w of waiters.splice(0)) {
      if (mostSent >= w.bytes) w.resolve()
      else waiters.push(w)
    }
  }

  const error = (res: ServerResponse, status: number, code: string, message: string) => {
    const body = JSON.stringify({ errors: [{ code, message, detail: null }] })
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const readBody = async (req: IncomingMessage): Promise<Buffer | null> => {
    const parts: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_BODY) return null
      parts.push(chunk)
    }
    return Buffer.concat(parts)
  }

  const sendBlob = async (res: ServerResponse, data: Buffer, from: number) => {
    let offset = from
    while (offset < data.length && !res.destroyed) {
      const piece = data.subarray(offset, offset + CHUNK)
      const flushed = res.write(piece)
      offset += piece.length
      sent(offset - from)
      if (!flushed) await new Promise((r) => res.once('drain', r))
      if (bytesPerSecond > 0) await new Promise((r) => setTimeout(r, (piece.length / bytesPerSecond) * 1000))
    }
    res.end()
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://registry')
    const method = req.method ?? 'GET'
    requests.push(`${method} ${url.pathname}`)
    res.setHeader('docker-distribution-api-version', 'registry/2.0')
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 })
      return void res.end('{}')
    }
    if (fault.kind === 'status') return error(res, fault.status, 'UNKNOWN', 'the registry is having trouble')

    let m = ROUTES.blob.exec(url.pathname)
    if (m && (method === 'GET' || method === 'HEAD')) {
      const digest = m[2]!
      const data = blobs.get(digest)
      if (!data) return error(res, 404, 'BLOB_UNKNOWN', `blob unknown to registry: ${digest}`)
      // Docker resumes an interrupted layer with a Range request.
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
      const from = range ? Math.min(Number(range[1]), data.length) : 0
      res.writeHead(range ? 206 : 200, {
        'content-type': 'application/octet-stream',
        'content-length': data.length - from,
        'docker-content-digest': digest,
        'accept-ranges': 'bytes',
        ...(range ? { 'content-range': `bytes ${from}-${data.length - 1}/${data.length}` } : {}),
      })
      if (method === 'HEAD') return void res.end()
      return sendBlob(res, data, from)
    }

    m = ROUTES.uploadStart.exec(url.pathname)
    if (m && method === 'POST') {
      const name = m[1]!
      const digest = url.searchParams.get('digest')
      if (digest) {
        // A monolithic upload: the whole blob in the POST.
        const body = await readBody(req)
        if (!body) return error(res, 413, 'SIZE_INVALID', 'blob too large')
        if (sha256(body) !== digest) return error(res, 400, 'DIGEST_INVALID', 'provided digest did not match content')
        blobs.set(digest, body)
        res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest })
        return void res.end()
      }
      // Cross-repository mounts are not offered: the spec says to answer with a fresh upload.
      const uuid = randomUUID()
      uploads.set(uuid, [])
      req.resume()
      res.writeHead(202, {
        location: `/v2/${name}/blobs/uploads/${uuid}`,
        range: '0-0',
        'docker-upload-uuid': uuid,
        'content-length': 0,
      })
      return void res.end()
    }

    m = ROUTES.upload.exec(url.pathname)
    if (m && (method === 'PATCH' || method === 'PUT')) {
      const [, name, uuid] = m as unknown as [string, string, string]
      const parts = uploads.get(uuid)
      if (!parts) return error(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
      const body = await readBody(req)
      if (!body) return error(res, 413, 'SIZE_INVALID', 'blob too large')
      parts.push(body)
      const size = parts.reduce((n, p) => n + p.length, 0)
      if (method === 'PATCH') {
        res.writeHead(202, {
          location: `/v2/${name}/blobs/uploads/${uuid}`,
          range: `0-${Math.max(0, size - 1)}`,
          'docker-upload-uuid': uuid,
          'content-length': 0,
        })
        return void res.end()
      }
      const digest = url.searchParams.get('digest') ?? ''
      const data = Buffer.concat(parts)
      if (!new RegExp(`^${DIGEST}$`).test(digest) || sha256(data) !== digest)
        return error(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content')
      uploads.delete(uuid)
      blobs.set(digest, data)
      res.writeHead(201, {
        location: `/v2/${name}/blobs/${digest}`,
        'docker-content-digest': digest,
        'content-length': 0,
      })
      return void res.end()
    }

    m = ROUTES.manifest.exec(url.pathname)
    if (m) {
      const [, name, reference] = m as unknown as [string, string, string]
      if (method === 'PUT') {
        const body = await readBody(req)
        if (!body) return error(res, 413, 'SIZE_INVALID', 'manifest too large')
        const digest = sha256(body)
        if (reference.startsWith('sha256:') && reference !== digest)
          return error(res, 400, 'DIGEST_INVALID', 'manifest digest did not match')
        const parsed = (() => {
          try {
            return JSON.parse(body.toString('utf8')) as { mediaType?: string; layers?: { digest: string }[] }
          } catch {
            return null
          }
        })()
        if (!parsed) return error(res, 400, 'MANIFEST_INVALID', 'manifest invalid')
        const missing = (parsed.layers ?? []).find((l) => !blobs.has(l.digest))
        if (missing) return error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missing.digest}`)
        const entry = { body, type: req.headers['content-type'] ?? parsed.mediaType ?? 'application/json', digest }
        manifests.set(`${name}@${digest}`, entry)
        manifests.set(`${name}:${reference}`, entry)
        res.writeHead(201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest })
        return void res.end()
      }
      if (method === 'GET' || method === 'HEAD') {
        const entry = manifests.get(reference.startsWith('sha256:') ? `${name}@${reference}` : `${name}:${reference}`)
        if (!entry) return error(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${reference}`)
        res.writeHead(200, {
          'content-type': entry.type,
          'content-length': entry.body.length,
          'docker-content-digest': entry.digest,
        })
        return void res.end(method === 'HEAD' ? undefined : entry.body)
      }
    }
    req.resume()
    return error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests,
    throttle(value) {
      bytesPerSecond = value
    },
    fault(value) {
      fault = value
    },
    blobBytesSent(bytes) {
      mostSent = 0
      return new Promise((resolve) => waiters.push({ bytes, resolve }))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}
