import type { AgentClient } from '../../src/agent/api'
import { resolveServiceRef, type RefCandidate } from '../../src/agent/service-ref'
import { notFound } from '../../src/errors'
import type { EventPublisher } from '../../src/events/types'
import type { BackupSchedule } from '../../src/schemas/backup'
import type { LogLine, ServiceDetails, ServiceSummary } from '../../src/schemas/service'
import { createFakeDeployer } from './fake-deployer'
import { createFakeBackups, type FakeBackup } from './fake-backups'
import { createFakeMonitoring } from './fake-monitoring'

export interface FakeService {
  summary: ServiceSummary
  env: Record<string, string>
  logs: LogLine[]
  backups: FakeBackup[]
  backupSchedule: BackupSchedule | null
}

/** A service as the fake agent stores it; fields default to a running busybox. */
export function fakeService(name: string, overrides: Partial<ServiceSummary> = {}): FakeService {
  const isRunning = (overrides.state ?? 'running') === 'running'
  const id = (name.replace(/[^a-f0-9]/g, 'a') + 'f'.repeat(64)).slice(0, 64)
  return {
    summary: {
      id,
      containerId: id,
      serviceId: name,
      serviceName: name,
      name,
      image: 'zapie-test/busybox:latest',
      status: isRunning ? 'Up 1 minute' : 'Exited (0)',
      state: 'running',
      created: 1767225600,
      createdAt: '2026-01-01T00:00:00.000Z',
      ports: [],
      url: null,
      labels: { 'zapie.managed': 'true', 'zapie.id': name },
      isRunning,
      canStart: !isRunning,
      canStop: isRunning,
      canRestart: true,
      ...overrides,
    },
    env: {},
    logs: [{ stream: 'stdout', message: `hello from ${name}` }],
    backups: [],
    backupSchedule: null,
  }
}

const fakeCandidate = ({ summary }: FakeService): RefCandidate => ({
  id: summary.id,
  serviceId: summary.serviceId,
  name: summary.name,
  running: summary.isRunning,
  created: summary.created,
})

/** An in-memory AgentClient for handler tests: no Docker, same contract. */
export function createFakeAgent(events: EventPublisher, services: FakeService[] = []) {
  // The real agent's rule, so a handler test sees the container the real agent would pick.
  const byRef = (ref: string) => {
    const s = resolveServiceRef(services, ref, fakeCandidate)
    if (!s) throw notFound('service', ref)
    return s
  }
  const setState = (ref: string, action: string, running: boolean) => {
    const s = byRef(ref)
    events.publish('service-action', {
      action,
      status: 'in-progress',
      serviceId: s.summary.serviceId,
      containerId: s.summary.id,
    })
    s.summary = {
      ...s.summary,
      state: running ? 'running' : 'exited',
      isRunning: running,
      canStart: !running,
      canStop: running,
    }
    events.publish('service-action', {
      action,
      status: 'completed',
      serviceId: s.summary.serviceId,
      containerId: s.summary.id,
    })
    return s.summary
  }
  const deployer = createFakeDeployer(events, services)
  /** Backups whose service was deleted (kept, as the real agent keeps them). */
  const orphans: FakeBackup[] = []
  const monitoring = createFakeMonitoring(() => services, byRef)
  const agent: AgentClient = {
    ...monitoring.api,
    dockerStatus: async () => ({ status: 'connected', version: '99.0-fake', apiVersion: '1.41' }),
    systemSummary: async () => ({
      containers: {
        total: services.length,
        running: services.filter((s) => s.summary.isRunning).length,
        paused: 0,
        stopped: 0,
        managed: services.length,
      },
      images: 1,
      host: {
        name: 'fake',
        os: 'FakeOS',
        kernel: '6.0',
        architecture: 'x86_64',
        cpus: 2,
        memoryBytes: 1 << 30,
        dockerRootDir: '/var/lib/docker',
        cgroupVersion: '2',
      },
    }),
    listServices: async () => services.map((s) => s.summary),
    getService: async (ref) => {
      const s = byRef(ref)
      const details: ServiceDetails = {
        ...s.summary,
        serviceType: null,
        tier: null,
        restartCount: 0,
        startedAt: null,
        finishedAt: null,
        exitCode: null,
        oomKilled: false,
        health: null,
        tty: false,
        env: s.env,
        command: ['sh'],
        restartPolicy: 'no',
        resources: { memoryBytes: null, cpus: null },
        mounts: [],
      }
      return details
    },
    startService: async (ref) => setState(ref, 'start', true),
    stopService: async (ref) => setState(ref, 'stop', false),
    restartService: async (ref) => setState(ref, 'restart', true),
    removeService: async (ref, o) => {
      const s = byRef(ref)
      services.splice(services.indexOf(s), 1)
      const backups = s.backups.map((b) => b.summary.id)
      if (!o.deleteBackups) orphans.push(...s.backups)
      return {
        removed: true,
        volumesRemoved: o.keepData ? [] : [`${ref}-data`],
        volumesKept: o.keepData ? [`${ref}-data`] : [],
        scheduleRemoved: s.backupSchedule !== null,
        backupsDeleted: o.deleteBackups ? backups : [],
        backupsKept: o.deleteBackups ? [] : backups,
      }
    },
    getLogs: async (ref, o) => ({ logs: byRef(ref).logs.slice(-o.tail), truncated: false }),
    async *followLogs(ref) {
      yield* byRef(ref).logs
    },
    ...deployer.api,
    ...createFakeBackups(
      events,
      (ref) => {
        const s = byRef(ref)
        return {
          serviceId: s.summary.serviceId,
          id: s.summary.id,
          get backups() {
            return s.backups
          },
          get schedule() {
            return s.backupSchedule
          },
          set schedule(value) {
            s.backupSchedule = value
          },
        }
      },
      {
        start: (ref) => agent.startService(ref),
        stop: (ref) => agent.stopService(ref),
        restart: (ref) => agent.restartService(ref),
        remove: (ref, keepData) => agent.removeService(ref, { keepData }),
      },
      {
        all: () => [
          ...services.flatMap((s) =>
            s.backups.map((backup) => ({
              backup,
              serviceExists: true,
              drop: () => void s.backups.splice(s.backups.indexOf(backup), 1),
            })),
          ),
          ...orphans.map((backup) => ({
            backup,
            serviceExists: false,
            drop: () => void orphans.splice(orphans.indexOf(backup), 1),
          })),
        ],
        deploy: (spec, o) => deployer.api.deploy(spec, { deploymentId: o.deploymentId, wait: true }),
      },
    ),
  }
  return { agent, services, orphans, deploySpecs: deployer.specs, monitoring }
}
