import type Docker from 'dockerode'
import { mapLimited } from '../../limiter'
import { isStatus, toAppError } from '../docker-errors'
import { listManagedContainers, serviceIdOf } from '../services'
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
}

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
    cpu: { nanoCpus: host.NanoCpus ?? null, cpuQuota: host.CpuQuota ?? null, cpuPeriod: host.CpuPeriod ?? null, cpusetCpus: host.CpusetCpus ?? null },
  }
}

/**
 * The collector's picture of the managed containers: one list call per refresh, and an inspect
 * only for containers that are new, changed state or health, or were named by a docker event
 * (restart counts and pids change only with events). So `GET /api/services/health/all` is
 * answered from here, without asking Docker.
 */
export function createInventory(docker: Docker) {
  const byId = new Map<string, InventoryEntry>()
  let refreshedAt: number | null = null

  async function inspect(entry: InventoryEntry) {
    try {
      entry.facts = factsOf(await docker.getContainer(entry.id).inspect())
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
          })
          continue
        }
        known.state = c.State
        if (known.signature !== signature) {
          known.signature = signature
          known.stale = true
        }
      }
      for (const id of byId.keys()) if (!seen.has(id)) byId.delete(id)
      await mapLimited([...byId.values()].filter((e) => e.stale || !e.facts), 4, inspect)
      refreshedAt = now
    },

    /** A docker event named this container: inspect it again on the next refresh. */
    markStale(containerId: string) {
      const entry = byId.get(containerId)
      if (entry) entry.stale = true
    },

    entries: (): InventoryEntry[] => [...byId.values()],

    /**
     * The container of a service. During a restore two containers may briefly share a stable
     * id: the running one, else the newest, is the service.
     */
    byService(serviceId: string): InventoryEntry | undefined {
      let best: InventoryEntry | undefined
      for (const e of byId.values()) {
        if (e.serviceId !== serviceId) continue
        if (!best || (e.state === 'running') > (best.state === 'running') || (e.state === best.state && e.created > best.created)) best = e
      }
      return best
    },

    /** A `:containerId` reference: stable id, name, full id or a unique prefix of ≥ 12 hex characters. */
    resolve(ref: string): InventoryEntry | undefined {
      const byFullId = byId.get(ref)
      if (byFullId) return byFullId
      const named = [...byId.values()].find((e) => e.serviceId === ref || e.name === ref)
      if (named) return this.byService(named.serviceId) ?? named
      if (ref.length >= 12 && /^[0-9a-f]+$/.test(ref)) {
        const matches = [...byId.values()].filter((e) => e.id.startsWith(ref))
        if (matches.length === 1) return matches[0]
      }
      return undefined
    },

    serviceIds: () => new Set([...byId.values()].map((e) => e.serviceId)),
    refreshedAt: () => refreshedAt,
  }
}

export type Inventory = ReturnType<typeof createInventory>
