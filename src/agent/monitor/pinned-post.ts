import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'

/**
 * One POST to the checked address: Node's http client never follows redirects, the lookup it
 * is given returns the pinned address (no second DNS query), and the Host header and TLS SNI
 * stay the URL's host name. Resolves with the status; the body is not read.
 */
export function postPinned(
  url: URL,
  pinned: { address: string; family: 4 | 6 },
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<number> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned])
    else callback(null, pinned.address, pinned.family)
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  const secure = url.protocol === 'https:'
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        method: 'POST',
        hostname,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        // A pooled socket could be one opened to another address: one connection per delivery.
        agent: false,
        signal,
        ...(secure && !/^[\d.]+$|:/.test(hostname) ? { servername: hostname } : {}),
      },
      (res) => {
        resolve(res.statusCode ?? 0)
        res.destroy()
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
