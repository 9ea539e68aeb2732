import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { nodeClientAddress } from '../../src/client-address'

/** What @hono/node-server hands a handler in c.env: the request's socket, counting address reads. */
function onSocket(address: string) {
  const socket = {
    reads: 0,
    get remoteAddress() {
      this.reads++
      return address
    },
    remotePort: 40000,
    remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4',
  }
  const request = () => ({ env: { incoming: { socket } } }) as unknown as Context
  return { socket, request }
}

describe('the client address on Node', () => {
  it('is the peer of the connection, worked out once for all its requests', () => {
    const v4 = onSocket('::ffff:203.0.113.9')
    for (let i = 0; i < 5; i++) expect(nodeClientAddress(v4.request())).toBe('203.0.113.9')
    expect(v4.socket.reads).toBe(1)
    const v6 = onSocket('2001:db8:1:2:3:4:5:6')
    expect(nodeClientAddress(v6.request())).toBe('2001:db8:1:2::/64')
    // Another connection from elsewhere is its own.
    expect(nodeClientAddress(onSocket('198.51.100.7').request())).toBe('198.51.100.7')
  })

  it('is unknown without a socket (app.request in tests) and for a socket without an address', () => {
    expect(nodeClientAddress({ env: undefined } as unknown as Context)).toBeUndefined()
    const gone = onSocket('')
    expect(nodeClientAddress(gone.request())).toBeUndefined()
    expect(nodeClientAddress(gone.request())).toBeUndefined()
    expect(gone.socket.reads).toBe(1)
  })
})
