import { TEMPLATE_CATEGORIES, type TemplateCategory, type ValidationIssue } from '../schemas/template'
import { htmlToText } from './html'
import { normaliseAbsolutePath } from './path'
import { checkBindMount, type TemplatePolicy } from './policy'

/**
 * Portainer App Templates (v2 and v3 files: https://docs.portainer.io/advanced/app-templates/format)
 * turned into our template input. Only container templates (type 1) are converted; stacks are
 * skipped with a reason. What Portainer would do with host privileges is decided by our policy:
 * the Docker socket, privileged mode, host networking and devices fail; other host bind mounts
 * become named volumes with a warning naming the host path.
 */
export type PortainerConversion =
  | { kind: 'skip'; name: string; reason: string }
  | {
      kind: 'template'
      name: string
      input: Record<string, unknown>
      errors: ValidationIssue[]
      warnings: ValidationIssue[]
    }

const STACK_TYPES: Record<number, string> = { 2: 'Swarm stack', 3: 'Compose stack', 4: 'Edge stack' }

/** Portainer fields we read, plus those that carry nothing a container needs. */
const KNOWN = new Set([
  'type',
  'title',
  'name',
  'description',
  'note',
  'categories',
  'category',
  'platform',
  'logo',
  'image',
  'ports',
  'env',
  'volumes',
  'restart_policy',
  'privileged',
  'network',
  'devices',
  'cap_add',
  'command',
  'labels',
  'hostname',
  'interactive',
  'administrator-only',
  'administrator_only',
  'maintainer',
  'id',
  'registry',
])
const IGNORED_QUIETLY = new Set(['platform', 'maintainer', 'id', 'type', 'name', 'categories', 'category'])

/** Host files that make no sense in a named volume; the container's own copy is better. */
const HOST_CONFIG_FILES = new Set(['/etc/localtime', '/etc/timezone'])

/** Words in Portainer categories, mapped to ours (first match wins, in this order). */
const CATEGORY_WORDS: [RegExp, TemplateCategory][] = [
  [/database|sql|mongo|redis|db\b/i, 'database'],
  [/monitor|metric|log|status|dashboard|cctv/i, 'monitoring'],
  [/automation|homeautomation|workflow|ci\b|continuousintegration/i, 'automation'],
  [/messag|chat|mail|email|voice|notification|social|forum|fediverse/i, 'messaging'],
  [/storage|backup|cloud|file|download|ftp|photo|document|books|library|media|music|video|pdf/i, 'storage'],
  [/api|serverless|paas|development|versioncontrol/i, 'api'],
  [/web|proxy|cms|http|network|dns|vpn/i, 'web'],
]

/** Names that hold credentials: their Portainer defaults are dropped and a value generated instead. */
const CREDENTIAL_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_KEY|API_KEY|APIKEY|ENCRYPTION_KEY|JWT|(^|_)PASS$|(^|_)PSK$)/i

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

export function isPortainerItem(item: unknown): boolean {
  return isObject(item) && (typeof item.type === 'number' || typeof item.title === 'string')
}

export function fromPortainer(item: unknown, policy: TemplatePolicy): PortainerConversion {
  if (!isObject(item))
    return {
      kind: 'template',
      name: '',
      input: {},
      errors: [{ path: '', code: 'invalid_type', message: 'A Portainer template must be a JSON object' }],
      warnings: [],
    }
  const name = (str(item.title) ?? str(item.name) ?? '').trim()
  const type = typeof item.type === 'number' ? item.type : 1
  if (type !== 1) {
    const kind = STACK_TYPES[type] ?? `type ${type}`
    return {
      kind: 'skip',
      name,
      reason: `${kind} templates are not imported: only container templates (type 1) can be deployed from a template`,
    }
  }
  const errors: ValidationIssue[] = []
  const warnings: ValidationIssue[] = []
  const input: Record<string, unknown> = {
    name,
    description: htmlToText(str(item.description) ?? ''),
    note: htmlToText(str(item.note) ?? ''),
    image: str(item.image) ?? '',
  }
  const categories = (Array.isArray(item.categories) ? item.categories : [item.category]).filter(
    (c): c is string => typeof c === 'string',
  )
  input.category = mapCategory(categories)
  input.tags = categories.map((c) => c.trim().toLowerCase()).filter(Boolean)
  if (str(item.logo)) input.logo = item.logo
  if (Array.isArray(item.ports)) input.ports = item.ports
  if (Array.isArray(item.env)) input.env = item.env.map((e, i) => convertEnv(e, i, warnings))
  if (Array.isArray(item.volumes)) input.volumes = convertVolumes(item.volumes, policy, errors, warnings)
  const restart = str(item.restart_policy)
  if (restart) input.restartPolicy = restart
  if (typeof item.command === 'string' && item.command.trim()) input.command = item.command
  if (item.privileged === true) input.privileged = true
  if (Array.isArray(item.devices) && item.devices.length) input.devices = item.devices
  if (Array.isArray(item.cap_add) && item.cap_add.length) input.capAdd = item.cap_add
  const network = str(item.network)
  if (network === 'host') input.networkMode = 'host'
  else if (network && network !== 'bridge')
    warnings.push({
      path: 'network',
      code: 'network_ignored',
      message: `network '${network}' is not created here; the service uses the default network`,
    })
  if (Array.isArray(item.labels)) input.labels = convertLabels(item.labels, warnings)
  const adminOnly = item['administrator-only'] ?? item.administrator_only
  if (typeof adminOnly === 'boolean') input.isPublic = !adminOnly
  for (const field of ['hostname', 'interactive', 'registry']) {
    if (field in item)
      warnings.push({
        path: field,
        code: 'unsupported_field',
        message: `'${field}' is not supported; it is not stored`,
      })
  }
  for (const key of Object.keys(item)) {
    if (!KNOWN.has(key) && !IGNORED_QUIETLY.has(key))
      warnings.push({
        path: key,
        code: 'unknown_field',
        message: `'${key}' is not a Portainer template field we know; it is not stored`,
      })
  }
  return { kind: 'template', name, input, errors, warnings }
}

function mapCategory(categories: string[]): TemplateCategory {
  for (const c of categories) {
    const exact = c.toLowerCase() as TemplateCategory
    if ((TEMPLATE_CATEGORIES as readonly string[]).includes(exact)) return exact
  }
  for (const [pattern, category] of CATEGORY_WORDS) if (categories.some((c) => pattern.test(c))) return category
  return 'other'
}

function convertEnv(raw: unknown, index: number, warnings: ValidationIssue[]): unknown {
  if (!isObject(raw)) return raw
  const name = str(raw.name) ?? ''
  const entry: Record<string, unknown> = { name }
  if (str(raw.label)) entry.label = raw.label
  if (str(raw.description)) entry.description = htmlToText(raw.description as string)
  // `set` is the legacy (v1/v2) spelling of a fixed value; `preset` hides a default from the user.
  let value = raw.set ?? raw.default
  if (Array.isArray(raw.select)) {
    const options = raw.select
      .filter(isObject)
      .map((o) => ({ label: String(o.text ?? o.value ?? ''), value: String(o.value ?? '') }))
    if (options.length) entry.options = options
    const chosen = raw.select.find((o) => isObject(o) && o.default === true) as Record<string, unknown> | undefined
    if (chosen) value = String(chosen.value ?? '')
  }
  if (raw.type === 'container') {
    warnings.push({
      path: `env.${index}`,
      code: 'container_reference',
      message: `${name} asks for another container; enter its name or address at deploy time`,
    })
  }
  if (CREDENTIAL_NAME.test(name)) {
    entry.secret = true
    if (value !== undefined && String(value) !== '') {
      entry.generate = 'password'
      warnings.push({
        path: `env.${index}.default`,
        code: 'secret_generated',
        message: `the default value of ${name} is dropped; a random value is generated at deploy time`,
      })
    }
    return entry
  }
  if (value !== undefined && value !== null)
    entry.default = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return entry
}

function convertVolumes(
  volumes: unknown[],
  policy: TemplatePolicy,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
): unknown[] {
  // A volume whose bind is refused or dropped leaves nothing in the converted list.
  const DROPPED = Symbol('dropped')
  const convert = (raw: unknown, i: number): unknown => {
    if (typeof raw === 'string') return raw
    if (!isObject(raw)) return raw
    let container = str(raw.container) ?? ''
    let readOnly = raw.readonly === true || raw.read_only === true
    const suffix = /:(ro|rw)$/.exec(container)
    if (suffix) {
      container = container.slice(0, -3)
      readOnly = readOnly || suffix[1] === 'ro'
    }
    const bind = str(raw.bind)?.replace(/:(ro|rw)$/, '')
    if (!bind) return { container, readOnly }
    const hostPath = normaliseAbsolutePath(bind) ?? bind
    const violation = checkBindMount(bind, policy)
    if (!violation) return { container, bind: hostPath, readOnly }
    if (violation.code === 'docker_socket' || violation.code === 'host_root') {
      errors.push({ path: `volumes.${i}.bind`, code: violation.code, message: violation.message })
      return DROPPED
    }
    if (HOST_CONFIG_FILES.has(hostPath)) {
      warnings.push({
        path: `volumes.${i}.bind`,
        code: 'bind_dropped',
        message: `host file ${hostPath} is not mounted; set the TZ variable for the time zone instead`,
      })
      return DROPPED
    }
    warnings.push({
      path: `volumes.${i}.bind`,
      code: 'bind_converted',
      message: `host path ${hostPath} becomes a named volume (host bind mounts need ZAPIE_BIND_MOUNT_ALLOWLIST); copy your data into it if you need it`,
    })
    return { container, readOnly }
  }
  return volumes.map(convert).filter((v) => v !== DROPPED)
}

function convertLabels(labels: unknown[], warnings: ValidationIssue[]): Record<string, string> {
  const out: Record<string, string> = {}
  labels.forEach((l, i) => {
    if (!isObject(l) || typeof l.name !== 'string') return
    if (l.name.toLowerCase().startsWith('zapie.')) {
      warnings.push({ path: `labels.${i}`, code: 'reserved_label', message: `label ${l.name} is reserved and dropped` })
      return
    }
    out[l.name] = String(l.value ?? '')
  })
  return out
}
