import type Docker from 'dockerode'

const BUILTIN_NETWORKS = new Set(['default', 'bridge', 'host', 'none'])

interface VolumeMount {
  name: string
  destination: string
  readOnly: boolean
}

/**
 * The create options that rebuild a container exactly as `inspect` describes it — image,
 * command, env, labels (zapie.id included), ports, limits, restart policy, networks — except
 * that its Docker volumes are mounted explicitly: the restored destinations from their fresh
 * volumes (`replacements`), every other volume (named or anonymous) from the volume it used
 * before, so a restore never swaps out data it was not asked to restore. Bind mounts and tmpfs
 * stay as they were.
 */
export function recreateOptions(
  inspect: Docker.ContainerInspectInfo,
  volumes: readonly VolumeMount[],
  replacements: ReadonlyMap<string, string>,
): Docker.ContainerCreateOptions {
  const host = { ...(inspect.HostConfig as Docker.HostConfig) }
  const volumeDestinations = new Set(volumes.map((v) => v.destination))
  // Binds are `source:destination[:options]`; a source without a slash is a volume name.
  host.Binds = (host.Binds ?? []).filter((bind) => {
    const [source, destination] = bind.split(':')
    return source?.startsWith('/') || !volumeDestinations.has(destination ?? '')
  })
  const mounts = ((host as { Mounts?: Docker.MountSettings[] }).Mounts ?? []).filter(
    (m) => m.Type !== 'volume' || !volumeDestinations.has(m.Target),
  )
  for (const volume of volumes) {
    const fresh = replacements.get(volume.destination)
    mounts.push({
      Type: 'volume',
      Source: fresh ?? volume.name,
      Target: volume.destination,
      ReadOnly: volume.readOnly,
      // An empty restored volume must stay empty: no copy of the image's files into it.
      ...(fresh ? { VolumeOptions: { NoCopy: true } } : {}),
    } as Docker.MountSettings)
  }
  ;(host as { Mounts?: Docker.MountSettings[] }).Mounts = mounts

  const config = inspect.Config
  const primary = host.NetworkMode ?? 'default'
  const endpoint = inspect.NetworkSettings?.Networks?.[primary]
  return {
    ...config,
    // The image as the user named it; Docker resolved it once, and will again.
    Image: config.Image,
    HostConfig: host,
    ...(endpoint && !BUILTIN_NETWORKS.has(primary) && !primary.startsWith('container:')
      ? { NetworkingConfig: { EndpointsConfig: { [primary]: endpointFor(endpoint, inspect.Id) } } }
      : {}),
  } as Docker.ContainerCreateOptions
}

/** The user-defined networks besides the primary one: Docker (API < 1.44) connects them after create. */
export function extraNetworks(inspect: Docker.ContainerInspectInfo): [string, Docker.EndpointSettings][] {
  const primary = inspect.HostConfig.NetworkMode ?? 'default'
  return Object.entries(inspect.NetworkSettings?.Networks ?? {})
    .filter(([name]) => name !== primary && !BUILTIN_NETWORKS.has(name))
    .map(([name, endpoint]) => [name, endpointFor(endpoint, inspect.Id)])
}

function endpointFor(endpoint: Docker.EndpointSettings, oldId: string): Docker.EndpointSettings {
  return {
    // Docker adds the short container id as an alias by itself; the old one would be stale.
    Aliases: (endpoint.Aliases ?? []).filter((a) => a !== oldId.slice(0, 12)),
    ...(endpoint.IPAMConfig ? { IPAMConfig: endpoint.IPAMConfig } : {}),
    ...(endpoint.Links ? { Links: endpoint.Links } : {}),
  } as Docker.EndpointSettings
}
