import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LISTENING, startTsEntry } from '../helpers/processes'

const dataDir = mkdtempSync(join(tmpdir(), 'zapie-auth-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('npm start against token guessing', () => {
  it('answers 429 to a client that keeps sending wrong tokens, whatever X-Forwarded-For it claims', async () => {
    const token = 'auth-limits-token-0123456789'
    const app = startTsEntry('src/node.ts', { PORT: '0', ZAPIE_DATA_DIR: dataDir, ZAPIE_API_TOKEN: token })
    try {
      const url = (await app.waitFor(LISTENING, 20_000))[1]!
      const statuses: number[] = []
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${url}/api/services`, {
          headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `203.0.113.${i}` },
        })
        statuses.push(res.status)
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(10)
      expect(statuses.slice(10).every((s) => s === 429)).toBe(true)
      const res = await fetch(`${url}/api/services`, { headers: { authorization: `Bearer ${token}` } })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      // Anyone may still ask whether it is up.
      expect((await fetch(`${url}/api/health`)).status).toBe(200)
    } finally {
      app.child.kill('SIGTERM')
      await app.exited
    }
  })

  it('slows down guessing of the agent token as well (npm run agent)', async () => {
    const token = 'agent-limits-token-0123456789'
    const agent = startTsEntry('src/agent/main.ts', {
      ZAPIE_AGENT_PORT: '0',
      ZAPIE_DATA_DIR: dataDir,
      ZAPIE_AGENT_TOKEN: token,
    })
    try {
      const url = (await agent.waitFor(LISTENING, 20_000))[1]!
      const statuses: number[] = []
      for (let i = 0; i < 12; i++)
        statuses.push(
          (await fetch(`${url}/rpc/listServices`, { method: 'POST', headers: { authorization: `Bearer guess-${i}` } }))
            .status,
        )
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429])
      const res = await fetch(`${url}/rpc/listServices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      agent.child.kill('SIGTERM')
      await agent.exited
    }
  })
})
