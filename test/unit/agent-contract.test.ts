import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AGENT_CONTRACT, RPC_METHODS, isRpcMethod, type AgentClient, type RpcMethod } from '../../src/agent/api'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { createAgentServer } from '../../src/agent/server'
import type { DeploySpec } from '../../src/deploy/spec'
import { AppError } from '../../src/errors'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent, fakeService } from '../helpers/fake-agent'
import { listen } from '../helpers/targets'

const TOKEN = 'agent-contract-token-0123456789'

const spec = (name: string): DeploySpec => ({
  containerName: `zapie-web-${name}-0a1b2c3d`,
  serviceName: name,
  serviceType: 'web',
  tier: 'basic',
  templateId: 'web',
  templateName: 'Web',
  image: 'zapie-test/busybox:latest',
  command: ['httpd', '-f'],
  env: [{ name: 'GREETING', value: 'hello' }],
  secretNames: [],
  ports: [{ container: 80, protocol: 'tcp', preferredHost: 18080 }],
  volumes: [{ type: 'volume', name: `zapie-web-${name}-data`, target: '/data', readOnly: false }],
  memoryBytes: 64 * 1024 ** 2,
  nanoCpus: 500_000_000,
  restartPolicy: 'unless-stopped',
  networkMode: 'none',
  healthcheck: null,
  labels: { 'zapie.managed': 'true' },
})

interface Seen {
  args: unknown[]
  value: unknown
}

/**
 * The fake agent behind the real agent server, with every call it receives recorded: the
 * arguments the server parsed from the wire and the value the agent answered.
 */
function recordingServer() {
  const hub = createEventHub()
  const fake = createFakeAgent(hub, [fakeService('zapie-web-1'), fakeService('zapie-db-2')])
  const seen = new Map<string, Seen>()
  const agent = new Proxy(fake.agent, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof key !== 'string' || !isRpcMethod(key) || typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const answer = await value.apply(target, args)
        seen.set(key, { args, value: answer })
        return answer
      }
    },
  }) as AgentClient
  let server: Awaited<ReturnType<typeof listen>>
  beforeAll(async () => {
    server = await listen(createAgentServer({ agent, events: hub, token: TOKEN, logger: silentLogger }))
  })
  afterAll(() => server.close())
  return {
    seen,
    get url() {
      return server.url
    },
  }
}

/** A sample call of every RPC method, in an order that makes each succeed; typed, so a new method needs one. */
function samples(ids: { backupId: string; deploymentId: string }): {
  [M in RpcMethod]: () => Parameters<AgentClient[M]>
} {
  return {
    dockerStatus: () => [{}],
    systemSummary: () => [],
    listServices: () => [{}],
    getService: () => ['zapie-web-1', {}],
    startService: () => ['zapie-web-1'],
    stopService: () => ['zapie-web-1', { timeoutSeconds: 3 }],
    restartService: () => ['zapie-web-1', { timeoutSeconds: 1 }],
    getLogs: () => ['zapie-web-1', { tail: 10, since: 5, timestamps: true }],
    deploy: () => [spec('contract'), { deploymentId: 'contract-deploy-1', wait: true }],
    getDeployment: () => ['contract-deploy-1', {}],
    createBackup: () => [
      'zapie-web-1',
      { name: 'nightly', description: 'before the upgrade', consistency: 'stop', wait: true },
    ],
    listBackups: () => ['zapie-web-1'],
    backupStorage: () => ['zapie-web-1', {}],
    restoreBackup: () => ['zapie-web-1', ids.backupId],
    getBackupSchedule: () => ['zapie-web-1'],
    setBackupSchedule: () => [
      'zapie-web-1',
      {
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        enabled: true,
        consistency: 'pause',
        keepLast: 3,
        maxAgeDays: 30,
      },
    ],
    deleteBackupSchedule: () => ['zapie-web-1'],
    listAllBackups: () => [{ serviceId: 'zapie-web-1' }],
    getBackup: () => [ids.backupId],
    restoreBackupAsNew: () => [
      ids.backupId,
      spec('restored'),
      { deploymentId: 'contract-restore-1', envFromBackup: ['GREETING'] },
    ],
    deleteBackup: () => ['zapie-web-1', ids.backupId],
    deleteBackupById: () => [ids.deploymentId],
    bulkOperation: () => ['restart', ['zapie-web-1', 'zapie-db-2'], { keepData: true, consistency: 'pause' }],
    getHealth: () => ['zapie-web-1'],
    getAllHealth: () => [],
    getMetrics: () => ['zapie-web-1', { timeRange: '6h' }],
    startMonitoring: () => ['zapie-web-1', { intervalMs: 5000 }],
    stopMonitoring: () => ['zapie-web-1'],
    monitoringStatus: () => [],
    systemMetrics: () => [],
    listAlerts: () => [{ serviceId: 'zapie-web-1', limit: 5 }],
    getAlertSettings: () => [],
    setAlertThresholds: () => [{ consecutiveSamples: 2 }],
    getServiceAlertSettings: () => ['zapie-web-1'],
    setServiceAlertThresholds: () => ['zapie-web-1', { reminderMs: 120_000 }],
    setAlertWebhook: () => [null],
    testAlertWebhook: () => ['https://hooks.example.com/services/T0/B0/s3cr3t'],
    removeService: () => ['zapie-db-2', { keepData: false, deleteBackups: true }],
  }
}

const withoutSignal = (value: unknown) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const { signal: _signal, ...rest } = value as Record<string, unknown>
  return rest
}

describe('the agent contract', () => {
  const server = recordingServer()

  it('carries every method across the wire: the server hands the agent the same arguments, the client returns its answer', async () => {
    const client = createHttpAgentClient({ url: server.url, token: TOKEN })
    const ids = { backupId: '', deploymentId: '' }
    const table = samples(ids)
    expect(Object.keys(table).sort()).toEqual([...RPC_METHODS].sort())
    for (const method of Object.keys(table) as RpcMethod[]) {
      const args = (table[method] as () => unknown[])()
      const answer = await (client[method] as (...a: unknown[]) => Promise<unknown>)(...args)
      const seen = server.seen.get(method)
      expect(seen, method).toBeDefined()
      const arity = AGENT_CONTRACT[method].args.def.items.length
      // Positional arguments arrive as sent; the options too, with the server's own signal.
      expect(seen!.args.slice(0, arity - 1), method).toEqual(args.slice(0, arity - 1))
      expect(withoutSignal(seen!.args[arity - 1]), method).toEqual(withoutSignal(args[arity - 1] ?? {}))
      expect((seen!.args[arity - 1] as { signal?: unknown }).signal, method).toBeInstanceOf(AbortSignal)
      expect(answer, method).toEqual(JSON.parse(JSON.stringify(seen!.value)))
      if (method === 'createBackup') ids.backupId = (answer as { backupId: string }).backupId
      if (method === 'restoreBackup') {
        // A second backup for deleteBackupById, the first one goes with deleteBackup.
        const second = await client.createBackup('zapie-web-1', { name: 'second', consistency: 'live', wait: true })
        ids.deploymentId = second.backupId
      }
    }
  })

  it('marks the calls that outlive an HTTP client’s header timeout as long, and the streamed ones as streams', () => {
    const by = (transport: string) =>
      Object.entries(AGENT_CONTRACT)
        .filter(([, spec]) => spec.transport === transport)
        .map(([m]) => m)
        .sort()
    expect(by('long')).toEqual(['bulkOperation', 'createBackup', 'deploy', 'restoreBackup', 'restoreBackupAsNew'])
    expect(by('stream')).toEqual(['followLogs', 'openBackupDownload', 'openBackupDownloadById', 'uploadBackup'])
  })
})

describe('a result the contract does not allow', () => {
  /** An agent that answers `result` to every call, as an agent of another version might. */
  const answering =
    (result: unknown): typeof fetch =>
    async () =>
      new Response(JSON.stringify({ success: true, result }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })

  it('is refused at the client with 502 agent_protocol_error naming the method and the field', async () => {
    const client = createHttpAgentClient({
      url: 'http://127.0.0.1:9',
      token: TOKEN,
      fetch: answering({ ...fakeService('zapie-web-1').summary, state: 42 }),
    })
    const err = await client.startService('zapie-web-1').catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ status: 502, code: 'agent_protocol_error' })
    expect(err.message).toContain("'startService'")
    expect(err.details).toEqual([expect.objectContaining({ path: 'result.state' })])
  })

  it('reaches the API caller as the one error envelope, not a half-typed body', async () => {
    const agent = createHttpAgentClient({ url: 'http://127.0.0.1:9', token: TOKEN, fetch: answering([{ id: 'abc' }]) })
    const { app } = await buildTestApp({ agent })
    const res = await app.request('/api/services', { headers: auth })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({
      success: false,
      code: 'agent_protocol_error',
      error: expect.stringContaining("'listServices'"),
    })
  })

  it('refuses a body that is not JSON with the same code', async () => {
    const fetchText: typeof fetch = async () => new Response('<html>proxy error</html>', { status: 200 })
    const client = createHttpAgentClient({ url: 'http://127.0.0.1:9', token: TOKEN, fetch: fetchText })
    await expect(client.listServices()).rejects.toMatchObject({ status: 502, code: 'agent_protocol_error' })
  })
})
