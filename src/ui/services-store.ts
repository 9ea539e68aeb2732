import { call, client } from './api'
import type { LiveEvent } from './live'

/** One row of the overview: the service list joined with the collector's health and metrics. */
export interface ServiceRow {
  serviceId: string
  id: string
  name: string
  image: string
  serviceType: string | null
  state: string
  health: string | null
  status: string
  cpu: number | null
  memory: number | null
  memoryPercent: number | null
  uptimeSeconds: number
  restartCount: number
  url: string | null
}

export async function loadRows(): Promise<Map<string, ServiceRow>> {
  const [list, health] = await Promise.all([
    call(client.api.services.$get()),
    call(client.api.services.health.all.$get()),
  ])
  const byId = new Map(health.services.map((h) => [h.serviceId, h]))
  const rows = new Map<string, ServiceRow>()
  for (const s of list.services) {
    const h = byId.get(s.serviceId)
    rows.set(s.serviceId, {
      serviceId: s.serviceId,
      id: s.id,
      name: s.name,
      image: s.image,
      serviceType: s.labels['zapie.service'] ?? null,
      state: s.state,
      health: h?.health ?? null,
      status: h?.status ?? (s.isRunning ? 'up' : 'down'),
      cpu: h?.metrics?.cpu.percentage ?? null,
      memory: h?.metrics?.memory.usage ?? null,
      memoryPercent: h?.metrics?.memory.percentage ?? null,
      uptimeSeconds: h?.uptimeSeconds ?? 0,
      restartCount: h?.restartCount ?? 0,
      url: s.url,
    })
  }
  return rows
}

const STATE_BY_ACTION: Record<string, string> = {
  start: 'running',
  restart: 'running',
  unpause: 'running',
  die: 'exited',
  stop: 'exited',
  pause: 'paused',
}

/**
 * Applies a batch of live events to the rows (a copy when anything changed). Answers whether the
 * list itself must be fetched again: a service appeared, or the stream was reset.
 */
export function applyEvents(
  rows: Map<string, ServiceRow>,
  batch: LiveEvent[],
): { rows: Map<string, ServiceRow>; refetch: boolean } {
  let next = rows
  let refetch = false
  const edit = (serviceId: string, patch: Partial<ServiceRow>) => {
    const row = next.get(serviceId)
    if (!row) return
    if (next === rows) next = new Map(rows)
    next.set(serviceId, { ...row, ...patch })
  }
  for (const { type, data } of batch) {
    const id = data.serviceId as string
    if (type === 'reset') refetch = true
    else if (type === 'container-event') {
      if (!next.has(id)) {
        if (data.action === 'create' || data.action === 'start') refetch = true
        continue
      }
      if (data.action === 'destroy') {
        if (next === rows) next = new Map(rows)
        next.delete(id)
      } else if (data.action === 'health_status') edit(id, { health: data.health })
      else if (STATE_BY_ACTION[data.action]) {
        const state = STATE_BY_ACTION[data.action]!
        edit(id, {
          state,
          ...(state === 'running'
            ? {}
            : {
                cpu: null,
                memory: null,
                memoryPercent: null,
                uptimeSeconds: 0,
                status: state === 'paused' ? 'paused' : 'down',
              }),
        })
      }
    } else if (type === 'health-update') {
      if (!next.has(id)) refetch = true
      else
        edit(id, {
          status: data.status,
          health: data.health ?? null,
          uptimeSeconds: data.uptimeSeconds ?? 0,
          restartCount: data.restartCount ?? 0,
        })
    } else if (type === 'metrics-update') {
      edit(id, {
        cpu: data.metrics?.cpu?.percentage ?? null,
        memory: data.metrics?.memory?.usage ?? null,
        memoryPercent: data.metrics?.memory?.percentage ?? null,
      })
    } else if (type === 'service-action' && data.status === 'completed' && data.state) {
      edit(id, { state: data.state })
    } else if (type === 'deployment-progress' && data.status === 'completed') refetch = true
  }
  return { rows: next, refetch }
}
