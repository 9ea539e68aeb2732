import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startHostAgent } from '../../src/agent/host'
import { loadConfig } from '../../src/config'
import type { DeploySpec } from '../../src/deploy/spec'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { createNodeStores } from '../../src/node-stores'
import { startAgent, TOKEN } from '../helpers/agent-child'
import { cleanupTestResources, DEPLOY_RUN_LABEL, docker, RUN_ID, TEST_IMAGE, volumeExists } from '../helpers/docker'
import { openEventStream } from '../helpers/sse-client'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** What the API's deploy handler would hand the agent for a busybox service with one volume. */
function specFor(serviceName: string): DeploySpec {
  const containerName = `zapie-crashtest-${serviceName}-${randomBytes(4).toString('hex')}`
  return {
    containerName,
    serviceName,
    serviceType: 'crashtest',
    tier: 'basic',
    templateId: 'crashtest',
    templateName: 'Crash test',
    image: TEST_IMAGE,
    command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
    env: [],
    secretNames: [],
    ports: [],
    volumes: [{ type: 'volume', name: `${containerName}-data`, target: '/data', readOnly: false }],
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 250_000_000,
    restartPolicy: 'unless-stopped',
    networkMode: 'none',
    healthcheck: null,
    labels: { [DEPLOY_RUN_LABEL]: RUN_ID, 'zapie.service': 'crashtest' },
  }
}

/** Every container (any state) that is a copy of `serviceName`. */
const copiesOf = async (serviceName: string) =>
  (await docker.listContainers({ all: true, filters: { label: [`${DEPLOY_RUN_LABEL}=${RUN_ID}`] } })).filter((c) =>
    c.Names.some((n) => n.startsWith(`/zapie-crashtest-${serviceName}-`)),
  )

describe('crash safety: the agent killed with SIGKILL in the middle of a deploy', () => {
  // The step whose completion the kill follows; the left-overs grow with it.
  it.each(['volume', 'create', 'start'] as const)(
    'after the %s step: recovery removes what it created, records it, and a new deploy yields one service',
    async (step) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'zapie-crash-deploy-'))
      dirs.push(dataDir)
      const serviceName = `s${step}-${RUN_ID}`.slice(0, 40).replace(/-+$/, '')
      const spec = specFor(serviceName)
      const deploymentId = `crash-${step}-${randomBytes(6).toString('hex')}`

      const first = startAgent(dataDir)
      const url = await first.url
      const events = await openEventStream(`${url}/events?types=deployment-progress&deploymentId=${deploymentId}`, {
        authorization: `Bearer ${TOKEN}`,
      })
      await first.rpc('deploy', spec, { deploymentId, wait: false })
      await events.waitFor((e) => {
        const data = JSON.parse(e.data)
        return data.step === step && data.status === 'completed'
      }, 30_000)
      first.child.kill('SIGKILL')
      await first.exited
      events.close()

      // What the kill left: the volume at least; from `create` on a container; after `start` a running one.
      expect(await volumeExists(spec.volumes[0]!.type === 'volume' ? spec.volumes[0]!.name : '')).toBe(true)
      const left = await copiesOf(serviceName)
      if (step !== 'volume') expect(left).toHaveLength(1)
      if (step === 'start') expect(left[0]!.State).toBe('running')

      const hub = createEventHub()
      const seen: Record<string, unknown>[] = []
      const publish = hub.publish.bind(hub)
      hub.publish = ((type, data) => {
        if (type === 'deployment-progress') seen.push(data)
        return publish(type, data)
      }) as typeof hub.publish
      const config = loadConfig({ ZAPIE_STORAGE: 'fs', LOG_LEVEL: 'silent', ZAPIE_DATA_DIR: dataDir })
      const stores = await createNodeStores(config)
      const host = startHostAgent({ config, stores, docker, hub, logger: silentLogger })
      try {
        await host.ready
        expect(await copiesOf(serviceName)).toEqual([])
        expect(await volumeExists(`${spec.containerName}-data`)).toBe(false)
        expect((await host.client.listServices()).some((s) => s.name === spec.containerName)).toBe(false)

        const record = await host.client.getDeployment(deploymentId)
        expect(record).toMatchObject({ status: 'failed', error: { code: 'deployment_interrupted' } })
        expect(record.error!.message).toMatch(/removed/)
        expect(record.steps.at(-1)).toMatchObject({ step: 'error', status: 'failed' })
        expect(seen.find((e) => e.step === 'error')).toMatchObject({
          deploymentId,
          status: 'failed',
          code: 'deployment_interrupted',
          recovered: true,
        })

        // Deploying the same service again: exactly one copy of it.
        const again = await host.client.deploy(specFor(serviceName), {
          deploymentId: `again-${deploymentId}`,
          wait: true,
        })
        expect(again.deployment.status).toBe('succeeded')
        const copies = await copiesOf(serviceName)
        expect(copies).toHaveLength(1)
        expect(copies[0]!.State).toBe('running')
      } finally {
        await host.close()
        await stores.close()
      }
    },
  )
})
