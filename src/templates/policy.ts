import { isSameOrUnder, normaliseAbsolutePath } from './path'

/** What the operator allows templates to ask of the host (ZAPIE_BIND_MOUNT_ALLOWLIST). */
export interface TemplatePolicy {
  /** Absolute, normalised host directories under which bind mounts are allowed. Empty: none. */
  bindMountAllowlist: readonly string[]
}

export const DEFAULT_POLICY: TemplatePolicy = { bindMountAllowlist: [] }

export interface PolicyViolation {
  code: string
  message: string
}

/**
 * Host paths no template may ever mount, whatever the allow-list says: the root, and the Docker
 * socket together with every directory that contains it or Docker's own state — mounting any
 * of them hands the container control of the host.
 */
const NEVER_EXACT = ['/', '/var', '/run', '/var/run', '/var/lib']
const NEVER_UNDER = [
  '/var/run/docker',
  '/run/docker',
  '/var/lib/docker',
  '/run/containerd',
  '/var/run/containerd',
  '/run/podman',
  '/var/run/podman',
]

export function isDockerSocketPath(path: string): boolean {
  const normal = normaliseAbsolutePath(path) ?? path
  const last = normal.split('/').pop() ?? ''
  return (
    /(^|[._-])(docker|containerd|podman)([._-].*)?\.sock$/.test(last) ||
    NEVER_UNDER.some((p) => isSameOrUnder(normal, p))
  )
}

/** Why a bind mount of `hostPath` is refused, or null when the allow-list permits it. */
export function checkBindMount(hostPath: string, policy: TemplatePolicy): PolicyViolation | null {
  const normal = normaliseAbsolutePath(hostPath)
  if (normal === null) return { code: 'invalid_bind', message: `Host path '${hostPath}' must be absolute` }
  if (isDockerSocketPath(normal)) {
    return {
      code: 'docker_socket',
      message: `Mounting the Docker socket (${hostPath}) would give the container control of the host; it is never allowed`,
    }
  }
  if (NEVER_EXACT.includes(normal)) {
    return { code: 'host_root', message: `Mounting the host directory '${normal}' is never allowed` }
  }
  if (!policy.bindMountAllowlist.some((base) => isSameOrUnder(normal, base))) {
    const allowed = policy.bindMountAllowlist.length ? policy.bindMountAllowlist.join(', ') : 'none configured'
    return {
      code: 'bind_not_allowed',
      message: `Host bind mount '${normal}' is not under an allowed directory (ZAPIE_BIND_MOUNT_ALLOWLIST: ${allowed}); use a named volume`,
    }
  }
  return null
}

/** Whether an allow-list entry could ever be honoured (used to validate the config). */
export function allowListEntryProblem(entry: string): string | null {
  const normal = normaliseAbsolutePath(entry)
  if (normal === null) return `'${entry}' is not an absolute path`
  if (normal === '/' || NEVER_EXACT.includes(normal) || isDockerSocketPath(normal))
    return `'${entry}' can never be allowed`
  return null
}

export const POLICY_MESSAGES = {
  privileged: 'Privileged containers have full access to the host; the default policy refuses them',
  host_network: "Host networking bypasses the container's network isolation; the default policy refuses it",
  cap_add: 'Adding Linux capabilities is refused by the default policy',
  devices: 'Passing host devices into a container is refused by the default policy',
} as const
