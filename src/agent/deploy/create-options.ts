import type Docker from 'dockerode'
import { HOST_PORT_PLACEHOLDER, type DeploySpec } from '../../deploy/spec'
import { LABELS } from '../labels'
import type { AllocatedPort } from './ports'

/** Fills `{{hostPort}}` / `{{hostPort:<container port>}}` with the host ports the service got. */
export function fillPlaceholders(value: string, ports: readonly AllocatedPort[]): string {
  return value.replace(HOST_PORT_PLACEHOLDER, (match, container?: string) => {
    const port = container ? ports.find((p) => p.container === Number(container)) : ports[0]
    return port ? String(port.host) : match
  })
}

/**
 * The Engine's create request for a spec. Host privileges are spelled out as off, so nothing a
 * spec could carry turns them on; the identity labels are set here, whatever the spec says.
 */
export function toCreateOptions(
  spec: DeploySpec,
  ports: readonly AllocatedPort[],
  deploymentId?: string,
): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, { HostPort: string }[]> = {}
  for (const p of ports) {
    exposed[`${p.container}/${p.protocol}`] = {}
    bindings[`${p.container}/${p.protocol}`] = [{ HostPort: String(p.host) }]
  }
  const hc = spec.healthcheck
  return {
    name: spec.containerName,
    Image: spec.image,
    Env: spec.env.map((e) => `${e.name}=${fillPlaceholders(e.value, ports)}`),
    ...(spec.command.length ? { Cmd: spec.command } : {}),
    Labels: {
      ...spec.labels,
      [LABELS.managed]: 'true',
      [LABELS.id]: spec.containerName,
      ...(deploymentId ? { [LABELS.deployment]: deploymentId } : {}),
      ...(ports[0] ? { [LABELS.port]: String(ports[0].host) } : {}),
    },
    ExposedPorts: exposed,
    ...(hc
      ? {
          Healthcheck: {
            Test: hc.test,
            Interval: hc.intervalNs,
            Timeout: hc.timeoutNs,
            Retries: hc.retries,
            StartPeriod: hc.startPeriodNs,
          },
        }
      : {}),
    HostConfig: {
      PortBindings: bindings,
      Mounts: spec.volumes.map((v) =>
        v.type === 'volume'
          ? { Type: 'volume' as const, Source: v.name, Target: v.target, ReadOnly: v.readOnly }
          : { Type: 'bind' as const, Source: v.source, Target: v.target, ReadOnly: v.readOnly },
      ),
      Memory: spec.memoryBytes,
      NanoCpus: spec.nanoCpus,
      RestartPolicy: { Name: spec.restartPolicy === 'no' ? '' : spec.restartPolicy },
      NetworkMode: spec.networkMode,
      Privileged: false,
      CapAdd: [],
      Devices: [],
    },
  }
}
