import type Docker from 'dockerode'
import { mapLimited } from '../../limiter'
import type { MetricsSource, ServiceMetrics } from '../../schemas/monitoring'
import {
  detectCgroupVersion,
  locateCgroup,
  readCgroupCounters,
  type CgroupLocation,
  type CgroupPaths,
  type CgroupVersion,
} from './cgroup'
import type { RawCounters } from './counters'
import { readDockerStats } from './docker-stats'
import type { InventoryEntry } from './inventory'
import { computeMetrics, limitCoresOf } from './stats-math'

export interface CollectorOptions {
  /** `auto`: cgroup files where readable, the Docker API otherwise. `docker-api`: the API only. */
  source: 'auto' | 'docker-api'
  cgroup: CgroupPaths
  /** Stats API calls in flight at once (each waits up to ~1 s for the daemon's collector). */
  concurrency: number
  apiTimeoutMs: number
  hostCores: number
  hostMemory: number
  /** Monotonic milliseconds, for rates between cgroup readings. */
  monotonicNow: () => number
}

export type SampleResult = { ok: true; metrics: ServiceMetrics } | { ok: false; error: string }

interface ContainerState {
  prev?: RawCounters
  prevSource?: MetricsSource
  pid?: number
  location?: CgroupLocation | null
}

/**
 * Takes one sample of each container it is given. Never holds a stats stream open: cgroup files
 * are read directly (no daemon work at all), and where they cannot be seen the API's one-shot
 * stats are asked with bounded concurrency. CPU and rates come from our own previous reading.
 */
export function createCollector(docker: Docker, options: CollectorOptions) {
  const states = new Map<string, ContainerState>()
  let version: CgroupVersion | null = null
  const detected =
    options.source === 'auto'
      ? detectCgroupVersion(options.cgroup.root).then((v) => (version = v))
      : Promise.resolve(null)

  async function countersOf(
    entry: InventoryEntry,
    state: ContainerState,
    signal: AbortSignal,
  ): Promise<{ counters: RawCounters | null; source: MetricsSource }> {
    const facts = entry.facts!
    if (version && facts.pid > 0) {
      if (state.location === undefined || state.pid !== facts.pid)
        state.location = await locateCgroup(options.cgroup, version, entry.id, facts.pid)
      if (state.location) {
        try {
          const counters = await readCgroupCounters(state.location, {
            netPid: facts.networkMode === 'host' ? null : facts.pid,
            procRoot: options.cgroup.proc,
            hostMemory: options.hostMemory,
            now: options.monotonicNow(),
          })
          return { counters, source: version === 1 ? 'cgroup-v1' : 'cgroup-v2' }
        } catch {
          // The container stopped under us, or the files became unreadable: ask the API this time.
          state.location = undefined
        }
      }
    }
    return {
      counters: await readDockerStats(
        docker,
        entry.id,
        AbortSignal.any([signal, AbortSignal.timeout(options.apiTimeoutMs)]),
      ),
      source: 'docker-api',
    }
  }

  async function sampleOne(entry: InventoryEntry, wallNow: number, signal: AbortSignal): Promise<SampleResult> {
    const facts = entry.facts
    if (!facts) return { ok: false, error: 'not inspected yet' }
    const state = states.get(entry.id) ?? {}
    states.set(entry.id, state)
    try {
      const { counters, source } = await countersOf(entry, state, signal)
      if (!counters) return { ok: false, error: 'container is not running' }
      // A new pid means a restart: the cgroup was recreated and its counters started over.
      const prev = state.prevSource === source && state.pid === facts.pid ? state.prev : undefined
      const startedAt = facts.startedAt ? Date.parse(facts.startedAt) : wallNow
      const metrics = computeMetrics(prev, counters, {
        source,
        limitCores: limitCoresOf(
          facts.cpu,
          source === 'docker-api' ? (counters.onlineCpus ?? options.hostCores) : options.hostCores,
        ),
        restartCount: facts.restartCount,
        uptime: Math.max(0, Math.floor((wallNow - startedAt) / 1000)),
        timestamp: new Date(wallNow).toISOString(),
      })
      state.prev = counters
      state.prevSource = source
      state.pid = facts.pid
      return { ok: true, metrics }
    } catch (err) {
      return { ok: false, error: String((err as Error)?.message ?? err) }
    }
  }

  return {
    /** Resolves once the host's cgroup version is known. */
    ready: detected,
    cgroupVersion: () => version,
    mode: options.source,

    /** Samples each entry; `signal` abandons API calls still waiting (the agent is closing). */
    async sample(entries: InventoryEntry[], wallNow: number, signal: AbortSignal): Promise<Map<string, SampleResult>> {
      await detected
      const results = await mapLimited(entries, options.concurrency, (e) => sampleOne(e, wallNow, signal))
      return new Map(entries.map((e, i) => [e.id, results[i]!]))
    },

    /** Drops what is kept about containers that no longer exist. */
    retain(liveIds: Set<string>) {
      for (const id of states.keys()) if (!liveIds.has(id)) states.delete(id)
    },
  }
}

export type Collector = ReturnType<typeof createCollector>
