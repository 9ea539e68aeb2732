import { LABELS } from '../agent/labels'
import type { Template, TierName, ValidationIssue } from '../schemas/template'
import { parseDurationNs, parseMemory } from '../templates/units'
import { generateSecret, randomSuffix } from './secrets'
import type { DeploySpec } from './spec'

/** Which template the spec was built from, beside the tier and container name labels. */
export const TEMPLATE_ID_LABEL = 'zapie.template-id'

export interface DeployRequest {
  serviceName: string
  tier: TierName
  /** Values the user typed (the original clients call them `credentials`). */
  values: Record<string, string>
}

export type BuiltSpec =
  | { ok: true; spec: DeploySpec; generatedSecrets: Record<string, string> }
  | { ok: false; issues: ValidationIssue[] }

/** `My Flows!` → `my-flows`, as the original system sanitised service names. */
export function sanitiseServiceName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
}

/**
 * Turns a (validated) template and what the user chose into the spec the agent runs: the
 * container name `zapie-<type>-<name>-<8 hex>`, the identity labels, one named volume per
 * template volume (`<container name>_data` for the first, as the original named it), the
 * environment with every `generate` secret freshly made, limits from the tier, and the host
 * port each container port would like (the agent picks a free one from there).
 */
export function buildDeploySpec(
  template: Template,
  request: DeployRequest,
  options: { now: Date; suffix?: string },
): BuiltSpec {
  const issues: ValidationIssue[] = []
  const serviceName = sanitiseServiceName(request.serviceName)
  if (!serviceName)
    issues.push({ path: 'serviceName', code: 'invalid_name', message: 'needs at least one letter or digit' })

  const declared = new Set(template.env.map((e) => e.name))
  for (const name of Object.keys(request.values)) {
    if (!declared.has(name))
      issues.push({
        path: `env.${name}`,
        code: 'unknown_variable',
        message: `${name} is not a variable of template '${template.name}'`,
      })
  }
  const env: DeploySpec['env'] = []
  const generatedSecrets: Record<string, string> = {}
  const secretNames: string[] = []
  for (const variable of template.env) {
    let value = request.values[variable.name]
    // A generated value is a secret whatever the template says: shown once, hidden afterwards.
    const generated = value === undefined && variable.generate !== undefined
    if (generated) {
      value = generateSecret(variable.generate!)
      generatedSecrets[variable.name] = value
    }
    value ??= variable.default
    if (value === undefined || (value === '' && variable.required)) {
      if (variable.required)
        issues.push({
          path: `env.${variable.name}`,
          code: 'required',
          message: `${variable.label ?? variable.name} is required`,
        })
      continue
    }
    if (variable.options && !variable.options.some((o) => o.value === value)) {
      issues.push({
        path: `env.${variable.name}`,
        code: 'not_an_option',
        message: `must be one of: ${variable.options.map((o) => o.value).join(', ')}`,
      })
      continue
    }
    if (variable.secret || generated) secretNames.push(variable.name)
    env.push({ name: variable.name, value })
  }
  if (issues.length) return { ok: false, issues }

  const containerName = `zapie-${template.slug}-${serviceName}-${options.suffix ?? randomSuffix()}`
  let unnamed = 0
  const volumes: DeploySpec['volumes'] = template.volumes.map((v) => {
    if (v.bind) return { type: 'bind', source: v.bind, target: v.container, readOnly: v.readOnly }
    const suffix = v.name ?? (unnamed++ === 0 ? 'data' : `data${unnamed}`)
    return { type: 'volume', name: `${containerName}_${suffix}`, target: v.container, readOnly: v.readOnly }
  })
  const primaryVolume = volumes.find((v) => v.type === 'volume')
  const tier = template.tiers[request.tier]
  const labels: Record<string, string> = {
    ...template.labels,
    [LABELS.managed]: 'true',
    [LABELS.id]: containerName,
    [LABELS.service]: template.slug,
    [LABELS.template]: request.tier,
    [LABELS.created]: options.now.toISOString(),
    [TEMPLATE_ID_LABEL]: template.id,
    ...(primaryVolume?.type === 'volume' ? { [LABELS.volume]: primaryVolume.name } : {}),
    ...(secretNames.length ? { [LABELS.secrets]: secretNames.join(',') } : {}),
  }
  const hc = template.healthcheck
  const spec: DeploySpec = {
    containerName,
    serviceName,
    serviceType: template.slug,
    tier: request.tier,
    templateId: template.id,
    templateName: template.name,
    image: template.image,
    command: template.command,
    env,
    secretNames,
    // Below 1024 a host port needs root; the original mapped ActivePieces' 80 to 8080 the same way.
    ports: template.ports.map((p) => ({
      container: p.container,
      protocol: p.protocol,
      preferredHost: p.host ?? (p.container < 1024 ? p.container + 8000 : p.container),
    })),
    volumes,
    memoryBytes: parseMemory(tier.memory)!,
    nanoCpus: Math.round(tier.cpus * 1e9),
    restartPolicy: template.restartPolicy,
    networkMode: template.networkMode,
    healthcheck: hc
      ? {
          test: hc.test,
          intervalNs: parseDurationNs(hc.interval)!,
          timeoutNs: parseDurationNs(hc.timeout)!,
          retries: hc.retries,
          startPeriodNs: parseDurationNs(hc.startPeriod)!,
        }
      : null,
    labels,
  }
  return { ok: true, spec, generatedSecrets }
}
