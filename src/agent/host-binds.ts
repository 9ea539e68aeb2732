import type Docker from 'dockerode'
import { AppError } from '../errors'
import { allowListEntryProblem, checkBindMount, type PolicyViolation } from '../templates/policy'
import { resolveHostPath } from './host-path'

/** One host bind a container asks for; `where` names it for the caller (`volumes.0`, `HostConfig.Binds.1`). */
export interface HostBind {
  source: string
  where: string
}

/**
 * The bind-mount rule enforced where it matters: on the Docker host, just before a container is
 * created from it (deploy, restore). The template validator compares spellings only, so a link
 * written into an allowed directory (`/srv/zapie/a/hostroot -> /`) would pass it; here each
 * source is resolved the way the kernel will follow it, and the real path must still be under a
 * (real) allow-listed directory and clear of the paths no one may mount. Answers the resolved
 * sources, in order, so a caller can hand Docker the path it checked rather than the link.
 * Throws 422 naming the rule the first offending bind breaks.
 */
export async function enforceHostBinds(binds: readonly HostBind[], allowlist: readonly string[]): Promise<string[]> {
  if (binds.length === 0) return []
  const realAllowlist = await resolveAllowlist(allowlist)
  const resolved: string[] = []
  for (const bind of binds) {
    const spelled = checkBindMount(bind.source, { bindMountAllowlist: allowlist })
    if (spelled) throw refusal(bind, spelled, spelled.message)
    let real: string
    try {
      real = await resolveHostPath(bind.source)
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'error'
      const violation = {
        code: 'bind_unresolvable',
        message: `Host bind mount '${bind.source}' cannot be resolved on the agent's host (${reason})`,
      }
      throw refusal(bind, violation, violation.message)
    }
    const violation = checkBindMount(real, { bindMountAllowlist: realAllowlist })
    if (violation)
      throw refusal(
        bind,
        violation,
        `Host bind mount '${bind.source}' leads to '${real}' on the agent's host: ${violation.message}`,
      )
    resolved.push(real)
  }
  return resolved
}

/**
 * The allow-list as real directories: an entry that is itself a link counts where it leads, and
 * one that leads somewhere no one may mount (`/srv/zapie -> /`) allows nothing.
 */
async function resolveAllowlist(allowlist: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const entry of allowlist) {
    const real = await resolveHostPath(entry).catch(() => null)
    if (real !== null && allowListEntryProblem(real) === null) out.push(real)
  }
  return out
}

function refusal(bind: HostBind, violation: PolicyViolation, message: string): AppError {
  return new AppError(422, violation.code, message, [{ path: bind.where, code: violation.code, message }])
}

/** The host directories an existing container binds, from its inspect (legacy `Binds` and `Mounts`). */
export function hostBindsOf(inspect: Pick<Docker.ContainerInspectInfo, 'HostConfig'>): HostBind[] {
  const host = inspect.HostConfig as Docker.HostConfig & { Mounts?: Docker.MountSettings[] }
  const binds: HostBind[] = []
  ;(host.Binds ?? []).forEach((bind, i) => {
    // `source:destination[:options]`; a source without a leading slash is a volume name.
    const source = bind.split(':')[0] ?? ''
    if (source.startsWith('/')) binds.push({ source, where: `HostConfig.Binds.${i}` })
  })
  ;(host.Mounts ?? []).forEach((mount, i) => {
    if (mount.Type === 'bind' && mount.Source) binds.push({ source: mount.Source, where: `HostConfig.Mounts.${i}` })
  })
  return binds
}
