import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors'
import { createLogger } from '../../src/logger'
import { toAppError } from '../../src/agent/docker-errors'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent } from '../helpers/fake-agent'
import { createEventHub } from '../../src/events/hub'

const RESOLVER =
  'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: server misbehaving'

describe('Docker error messages', () => {
  it('are put in our own words; the engine’s message is kept for the log only', () => {
    for (const err of [
      { statusCode: 500, json: { message: RESOLVER } },
      { statusCode: 400, message: RESOLVER },
      { statusCode: 409, message: `Conflict: ${RESOLVER}` },
    ]) {
      const mapped = toAppError(err)
      expect(mapped.message).not.toContain('127.0.0.11')
      expect(mapped.message).not.toContain('lookup')
      expect(mapped.internal).toContain('127.0.0.11')
    }
  })

  it('reach the client without the engine’s details and the log with the request id', async () => {
    const lines: string[] = []
    const fake = createFakeAgent(createEventHub(), [])
    const agent = {
      ...fake.agent,
      getService: async () => Promise.reject(toAppError({ statusCode: 500, json: { message: RESOLVER } })),
    }
    const { app } = await buildTestApp({ agent, logger: createLogger('warn', (l) => lines.push(l)) })
    const res = await app.request('/api/services/zapie-web-1', { headers: auth })
    const body = await res.json()
    expect(res.status).toBe(502)
    expect(body).toMatchObject({ success: false, code: 'docker_error' })
    expect(JSON.stringify(body)).not.toContain('127.0.0.11')
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed')
    expect(logged).toMatchObject({ requestId: body.requestId, code: 'docker_error', detail: RESOLVER })
  })
})

describe('error messages', () => {
  it('never carry the password of a URL they quote', async () => {
    const fake = createFakeAgent(createEventHub(), [])
    const agent = {
      ...fake.agent,
      getService: async () =>
        Promise.reject(new AppError(409, 'conflict', 'cannot reach postgres://app:hunter2@db:5432/x')),
    }
    const { app } = await buildTestApp({ agent })
    const body = await (await app.request('/api/services/zapie-web-1', { headers: auth })).json()
    expect(body.error).toBe('cannot reach postgres://app:********@db:5432/x')
  })
})
