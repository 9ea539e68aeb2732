import type Docker from 'dockerode'
import { mapLimited } from '../../limiter'
import { isStatus, toAppError } from '../docker-errors'
import { MANAGED_FILTER } from '../labels'
import { listManagedContainers, serviceIdOf } from '../services'
import { preferredOf, resolveServiceRef, type RefCandidate } from '../service-ref'
import type { CpuLimits } from './stats-math'

/** What inspect tells about a container that the list does not; refreshed only when it changes. */
export interface ContainerFacts {
  pid: number
  startedAt: string | null
  finishedAt: string | null
  restartCount: number
  exitCode: number | null
  oomKilled: boolean
  /** Docker's healthcheck status, or null without a healthcheck. */
  health: string | null
  networkMode: string
  cpu: CpuLimits
}

export interface InventoryEntry {
  id: string
  serviceId: string
  name: string
  /** Docker's state from the list: running, exited, paused, restarting, created, dead, removing. */
  state: string
  created: number
  facts: ContainerFacts | null
  /** Changes whenever something inspect would show differently; a change triggers a re-inspect. */
  signature: string
  stale: boolean
  /** Docker's list row as last seen: what a service summary is made of. */
  row: Docker.ContainerInfo
  /** The last inspect (env, mounts, state times): what service details are made of; null until inspected. */
  inspect: Docker.ContainerInspectInfo | null
}

const entryCandidate = (e: InventoryEntry): RefCandidate => ({
  id: e.id,
  serviceId: e.serviceId,
  name: e.name,
  running: e.state === 'running',
  created: e.created,
})

const HEALTH_IN_STATUS = /\((healthy|unhealthy|health: starting)\)/

const signatureOf = (c: Docker.ContainerInfo) => `${c.State}|${HEALTH_IN_STATUS.exec(c.Status ?? '')?.[1] ?? ''}`

const realTime = (t: string | undefined) => (t && !t.startsWith('0001') ? t : null)

export function factsOf(info: Docker.ContainerInspectInfo): ContainerFacts {
  const host = info.HostConfig as Docker.HostConfig & { NanoCpus?: number }
  return {
    pid: info.State.Pid ?? 0,
    startedAt: realTime(info.State.StartedAt),
    finishedAt: realTime(info.State.FinishedAt),
    restartCount: info.RestartCount ?? 0,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    oomKilled: Boolean(info.State.OOMKilled),
    health: info.State.Health?.Status ?? null,
    networkMode: host.NetworkMode ?? 'default',
    cpu: {
      nanoCpus: host.NanoCpus ?? null,
      cpuQuota: host.CpuQuota ?? null,
      cpuPeriod: host.CpuPeriod ?? null,
      cpusetCpus: host.CpusetCpus ?? null,
    },
  }
}

/**
 * The agent's picture of the managed containers: one list call per refresh, and an inspect
 * only for containers that are new, changed state or health, or were named by a docker event
 * (restart counts and pids change only with events). The service reads (`GET /api/services`,
 * `/api/services/:id`, `/api/services/health/all`, the counts in `/api/health`) are answered
 * from here, without asking Docker; the monitor keeps it current (see monitor.ts).
 */
export function createInventory(docker: Docker) {
  const byId = new Map<string, InventoryEntry>()
  let refreshedAt: number | null = null

  async function inspect(entry: InventoryEntry) {
    try {
      const info = await docker.getContainer(entry.id).inspect()
      entry.inspect = info
      entry.facts = factsOf(info)
      entry.stale = false
    } catch (err) {
      // Gone between the list and the inspect: the next list drops it.
      if (isStatus(err, 404)) byId.delete(entry.id)
      else throw toAppError(err)
    }
  }

  return {
    /** One list; inspects what changed. Throws when Docker cannot be reached. */
    async refresh(now: number): Promise<void> {
      const listed = await listManagedContainers(docker)
      const seen = new Set<string>()
      for (const c of listed) {
        seen.add(c.Id)
        const signature = signatureOf(c)
        const known = byId.get(c.Id)
        if (!known) {
          byId.set(c.Id, {
            id: c.Id,
            serviceId: serviceIdOf(c),
            name: (c.Names?.[0] ?? '').replace(/^\//, ''),
            state: c.State,
            created: c.Created,
            facts: null,
            signature,
            stale: true,
            row: c,
            inspect: null,
          })
          continue
        }
        known.state = c.State
        known.row = c
        // A rename changes the name but not the state: the events mark it stale, this keeps the name.
        known.name = (c.Names?.[0] ?? '').replace(/^\//, '')
        if (known.signature !== signature) {
          known.signature = signature
          known.stale = true
        }
      }
      for (const id of byId.keys()) if (!seen.has(id)) byId.delete(id)
      await mapLimited(
        [...byId.values()].filter((e) => e.stale || !e.facts),
        4,
        inspect,
      )
      refreshedAt = now
    },

    /**
     * A docker event named this container: list and inspect just that one (no full list), or
     * drop it when Docker no longer lists it among the managed containers.
     */
    async refreshOne(containerId: string): Promise<void> {
      const rows = await docker.listContainers({
        all: true,
        filters: { id: [containerId], label: [MANAGED_FILTER] },
      } as Docker.ContainerListOptions)
      const row = rows.find((r) => r.Id === containerId)
      if (!row) {
        byId.delete(containerId)
        return
      }
      const info = await docker
        .getContainer(containerId)
        .inspect()
        .catch((err) => {
          if (isStatus(err, 404)) return null
          throw toAppError(err)
        })
      if (info) this.upsert(row, info)
      else byId.delete(containerId)
    },

    /** A docker event named this container: inspect it again on the next refresh. */
    markStale(containerId: string) {
      const entry = byId.get(containerId)
      if (entry) entry.stale = true
    },

    entries: (): InventoryEntry[] => [...byId.values()],

    /** How many containers it holds, without copying them out (the health check's count). */
    size: (): number => byId.size,

    /**
     * What an action just learnt from Docker (start/stop/restart answer with the new state): the
     * cache shows it at once instead of after the events arrive.
     */
    upsert(row: Docker.ContainerInfo, info: Docker.ContainerInspectInfo) {
      byId.set(row.Id, {
        id: row.Id,
        serviceId: serviceIdOf(row),
        name: (row.Names?.[0] ?? '').replace(/^\//, ''),
        state: row.State,
        created: row.Created,
        facts: factsOf(info),
        signature: signatureOf(row),
        stale: false,
        row,
        inspect: info,
      })
    },

    /** The container was removed through the API. */
    drop(containerId: string) {
      byId.delete(containerId)
    },

    /** Inspects one entry now (details of a container the last refresh could not inspect). */
    async inspectNow(entry: InventoryEntry): Promise<void> {
      await inspect(entry)
    },

    /** The container of a service: the same rule as every `:containerId` lookup (service-ref.ts). */
    byService(serviceId: string): InventoryEntry | undefined {
      return preferredOf(
        [...byId.values()].filter((e) => e.serviceId === serviceId),
        entryCandidate,
      )
    },

    /** A `:containerId` reference, resolved by the one rule (service-ref.ts). */
    resolve(ref: string): InventoryEntry | undefined {
      return resolveServiceRef(byId.values(), ref, entryCandidate)
    },

    /** Container id and name of a service as far as the list knows them (the alert engine's `identify`). */
    identify(serviceId: string): { serviceId: string; containerId: string | null; serviceName: string } {
      const entry = this.byService(serviceId)
      return { serviceId, containerId: entry?.id ?? null, serviceName: entry?.name ?? serviceId }
    },

    serviceIds: () => new Set([...byId.values()].map((e) => e.serviceId)),

    /**
     * One entry per service, by service id: byService for each, in one pass (the health overview
     * asks on every read; one byService per service copied and filtered the whole list each).
     */
    services(): InventoryEntry[] {
      const best = new Map<string, InventoryEntry>()
      for (const e of byId.values()) {
        const known = best.get(e.serviceId)
        if (!known || preferredOf([known, e], entryCandidate) === e) best.set(e.serviceId, e)
      }
      return [...best.keys()].sort().map((id) => best.get(id)!)
    },
    refreshedAt: () => refreshedAt,
  }
}

export type Inventory = ReturnType<typeof createInventory>
