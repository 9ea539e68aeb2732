import type Docker from 'dockerode'
import { notFound } from '../errors'
import { parseEnv, redactArgs, redactEnv, redactLabels, secretValuesOf } from '../redact'
import { ServiceRef, type ServiceDetails, type ServiceState, type ServiceSummary } from '../schemas/service'
import { toAppError } from './docker-errors'
import { LABELS, MANAGED_FILTER, secretNamesOf } from './labels'
import { resolveServiceRef, type RefCandidate } from './service-ref'

export async function listManagedContainers(docker: Docker, signal?: AbortSignal) {
  try {
    return await docker.listContainers({
      all: true,
      filters: { label: [MANAGED_FILTER] },
      abortSignal: signal,
    } as Docker.ContainerListOptions)
  } catch (err) {
    throw toAppError(err)
  }
}

/** A list row as the one resolver sees it. */
export const rowCandidate = (c: Docker.ContainerInfo): RefCandidate => ({
  id: c.Id,
  serviceId: serviceIdOf(c),
  name: (c.Names?.[0] ?? '').replace(/^\//, ''),
  running: c.State === 'running',
  created: c.Created,
})

/**
 * Finds the managed container `ref` names (see resolveServiceRef for the rule). Anything else —
 * unmanaged containers included — is 404, so existence is never revealed.
 */
export async function resolveService(docker: Docker, ref: string, signal?: AbortSignal): Promise<Docker.ContainerInfo> {
  if (!ServiceRef.safeParse(ref).success) throw notFound('service', ref)
  const found = resolveServiceRef(await listManagedContainers(docker, signal), ref, rowCandidate)
  if (!found) throw notFound('service', ref)
  return found
}

/** The stable id: the `zapie.id` label, else the container name, else (a nameless record) the id. */
export function serviceIdOf(c: {
  Labels?: Record<string, string>
  Names?: string[]
  Name?: string
  Id: string
}): string {
  return c.Labels?.[LABELS.id] || (c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '') || c.Id
}

/** The container's name, which every response and event calls `serviceName`. */
export function containerNameOf(c: { Names?: string[]; Name?: string; Id: string }): string {
  return (c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '') || c.Id
}

export function toSummary(c: Docker.ContainerInfo): ServiceSummary {
  const state = c.State as ServiceState
  const isRunning = state === 'running'
  const ports = (c.Ports ?? [])
    // Docker lists a binding once per address family; the user cares about the port.
    .filter(
      (p, i, all) =>
        all.findIndex((q) => q.PrivatePort === p.PrivatePort && q.PublicPort === p.PublicPort && q.Type === p.Type) ===
        i,
    )
    // Each entry in both spellings: ours (camelCase) and Docker's, which clients of the original API read.
    .map((p) => ({
      privatePort: p.PrivatePort,
      ...(p.PublicPort ? { publicPort: p.PublicPort } : {}),
      type: p.Type,
      ...(p.IP ? { IP: p.IP } : {}),
      PrivatePort: p.PrivatePort,
      ...(p.PublicPort ? { PublicPort: p.PublicPort } : {}),
      Type: p.Type,
    }))
  const published = ports.find((p) => p.publicPort)
  const name = (c.Names[0] ?? '').replace(/^\//, '')
  return {
    id: c.Id,
    containerId: c.Id,
    serviceId: serviceIdOf(c),
    serviceName: name,
    name,
    image: c.Image,
    status: c.Status,
    state,
    // Unix seconds, as Docker and the original API give it; createdAt is the same instant in ISO.
    created: c.Created,
    createdAt: new Date(c.Created * 1000).toISOString(),
    ports,
    url: published ? `http://localhost:${published.publicPort}` : null,
    // Labels are free text (a proxy's basic-auth users, a URL with its password): hidden the same way.
    labels: redactLabels(c.Labels ?? {}),
    isRunning,
    canStart: !isRunning && state !== 'restarting' && state !== 'removing',
    canStop: isRunning || state === 'restarting' || state === 'paused',
    canRestart: state !== 'removing' && state !== 'dead',
  }
}

/** Running services first, then the newest. */
export function byRunningThenNewest(a: ServiceSummary, b: ServiceSummary): number {
  if (a.isRunning !== b.isRunning) return a.isRunning ? -1 : 1
  return b.created - a.created || b.createdAt.localeCompare(a.createdAt)
}

export function toDetails(summary: ServiceSummary, info: Docker.ContainerInspectInfo): ServiceDetails {
  const host = info.HostConfig
  const nanoCpus = (host as { NanoCpus?: number }).NanoCpus
  const cpus = nanoCpus ? nanoCpus / 1e9 : host.CpuQuota && host.CpuPeriod ? host.CpuQuota / host.CpuPeriod : null
  const finished = info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001') ? info.State.FinishedAt : null
  const declared = secretNamesOf(info.Config.Labels)
  // A password given on the command line is as secret as one in the environment.
  const secrets = secretValuesOf(parseEnv(info.Config.Env ?? []), declared)
  const started = info.State.StartedAt && !info.State.StartedAt.startsWith('0001') ? info.State.StartedAt : null
  return {
    ...summary,
    serviceType: info.Config.Labels?.[LABELS.service] ?? null,
    tier: info.Config.Labels?.[LABELS.template] ?? null,
    restartCount: info.RestartCount,
    startedAt: started,
    finishedAt: finished,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    health: info.State.Health?.Status ?? null,
    tty: Boolean(info.Config.Tty),
    env: redactEnv(info.Config.Env ?? [], declared),
    command: redactArgs(
      [...(info.Config.Entrypoint ? [info.Config.Entrypoint].flat() : []), ...(info.Config.Cmd ?? [])],
      secrets,
    ),
    restartPolicy: host.RestartPolicy?.Name || 'no',
    resources: { memoryBytes: host.Memory || null, cpus },
    // Host paths are left out on purpose: a user needs the volume's name, not where it lives.
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type,
      ...(m.Name ? { name: m.Name } : {}),
      destination: m.Destination,
      readOnly: !m.RW,
    })),
  }
}
