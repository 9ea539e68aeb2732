import { expect, it } from 'vitest'
import { agentUnavailable } from '../../src/errors'
import { createEventHub } from '../../src/events/hub'
import { createFakeAgent } from '../helpers/fake-agent'
import { auth, buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

// Split mode: the API reaches its agent over HTTP; here that agent does not answer.
const agentDown = createFakeAgent(createEventHub()).agent
agentDown.dockerStatus = async () => {
  throw agentUnavailable('The host agent at http://127.0.0.1:5001 is not reachable')
}
const split = await buildTestApp({
  agent: agentDown,
  env: { ZAPIE_AGENT_URL: 'http://127.0.0.1:5001', ZAPIE_AGENT_TOKEN: 'agent-token-0123456789' },
})

// Single host: the agent runs in-process and the Docker Engine does not answer it.
const dockerDown = createFakeAgent(createEventHub()).agent
dockerDown.dockerStatus = async () => ({ status: 'disconnected', version: null, apiVersion: null })
const single = await buildTestApp({ agent: dockerDown })

describeBothWays(
  'GET /api/health when the agent of a split deployment is down',
  () => split.app,
  (target) => {
    it('says the agent is down and Docker unknown, not that Docker is disconnected; 503 with success false', async () => {
      const res = await target().request('/api/health', { headers: auth })
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({
        success: false,
        status: 'degraded',
        agent: { status: 'down', mode: 'remote' },
        docker: { status: 'unknown' },
        storage: { status: 'up' },
      })
    })

    it('tells an anonymous caller only that it is down, with success false', async () => {
      const res = await target().request('/api/health')
      expect(res.status).toBe(503)
      expect(await res.json()).toEqual({ success: false, status: 'degraded' })
    })
  },
)

describeBothWays(
  'GET /api/health when Docker is down under an in-process agent',
  () => single.app,
  (target) => {
    it('says Docker is disconnected and the agent up', async () => {
      const res = await target().request('/api/health', { headers: auth })
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({
        success: false,
        agent: { status: 'up', mode: 'in-process' },
        docker: { status: 'disconnected' },
      })
    })
  },
)
