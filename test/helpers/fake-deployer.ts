import type { DeployApi, DeployOutcome } from '../../src/agent/api/deploy'
import { newDeploymentRecord, type DeploymentRecord } from '../../src/deploy/record'
import { DeploySpecSchema, type DeploySpec } from '../../src/deploy/spec'
import { AppError, badRequest, conflict, notFound } from '../../src/errors'
import type { EventPublisher } from '../../src/events/types'
import type { FakeService } from './fake-agent'
import { fakeService } from './fake-agent'

/**
 * The deploy half of the fake agent: the same contract as src/agent/deploy (spec checked,
 * duplicate ids refused, progress published, a record kept), no Docker. An image whose name
 * contains `nonexistent` fails the way a missing image with no registry does.
 */
export function createFakeDeployer(events: EventPublisher, services: FakeService[]) {
  const records = new Map<string, DeploymentRecord>()
  const specs: DeploySpec[] = []

  async function run(spec: DeploySpec, record: DeploymentRecord): Promise<DeployOutcome> {
    const publish = (step: string, status: string, message: string, extra: Record<string, unknown> = {}) =>
      events.publish('deployment-progress', {
        deploymentId: record.id,
        serviceId: spec.containerName,
        serviceName: spec.containerName,
        containerName: spec.containerName,
        displayName: spec.serviceName,
        serviceType: spec.serviceType,
        step,
        status,
        message,
        ...extra,
      })
    publish('accepted', 'in-progress', 'accepted')
    publish('volume', 'completed', 'volume')
    const taken = new Set(services.flatMap((s) => s.summary.ports.map((p) => p.publicPort)))
    record.ports = spec.ports.map((p) => {
      let host = p.preferredHost
      while (taken.has(host)) host++
      taken.add(host)
      return { container: p.container, host, protocol: p.protocol }
    })
    publish('port', 'completed', 'port', { ports: record.ports })
    if (spec.image.includes('nonexistent')) {
      const error = new AppError(
        502,
        'image_pull_failed',
        `Image '${spec.image}' is not on this host and could not be pulled: no registry`,
      )
      record.status = 'failed'
      record.error = { status: error.status, code: error.code, message: error.message }
      publish('error', 'failed', error.message, { code: error.code })
      throw error
    }
    const service = fakeService(spec.containerName, {
      image: spec.image,
      labels: { ...spec.labels },
      ports: record.ports.map((p) => ({
        privatePort: p.container,
        publicPort: p.host,
        type: p.protocol,
        PrivatePort: p.container,
        PublicPort: p.host,
        Type: p.protocol,
      })),
      url: record.ports[0] ? `http://localhost:${record.ports[0].host}` : null,
    })
    services.push(service)
    record.status = 'succeeded'
    record.containerId = service.summary.id
    record.url = service.summary.url
    publish('done', 'completed', 'done', { containerId: service.summary.id })
    return { deployment: structuredClone(record), service: service.summary }
  }

  const api: DeployApi = {
    async deploy(input, { deploymentId, wait }) {
      const parsed = DeploySpecSchema.safeParse(input)
      if (!parsed.success) throw badRequest(`Invalid deploy spec: ${parsed.error.message}`)
      if (records.has(deploymentId))
        throw conflict(`Deployment '${deploymentId}' is already running`, 'deployment_in_progress')
      const spec = parsed.data
      specs.push(spec)
      const at = new Date().toISOString()
      const record = newDeploymentRecord(spec, deploymentId, at)
      records.set(deploymentId, record)
      if (wait) return run(spec, record)
      const accepted = structuredClone(record)
      setTimeout(() => void run(spec, record).catch(() => {}), 0)
      return { deployment: accepted, service: null }
    },
    async getDeployment(id) {
      const record = records.get(id)
      if (!record) throw notFound('deployment', id)
      return structuredClone(record)
    },
  }
  return { api, specs, records }
}
