import type { z } from 'zod'
import { carriesCredential, isSecretName } from '../redact'
import {
  DEFAULT_TIERS,
  SERVER_FIELDS,
  TemplateDataSchema,
  TIER_NAMES,
  type TemplateData,
  type ValidationIssue,
  type ValidationResult,
} from '../schemas/template'
import { normaliseLogoUrl, toPlainText } from './display'
import { parseImageRef } from './image'
import { expandShorthands } from './normalise'
import { normaliseAbsolutePath } from './path'
import { checkBindMount, POLICY_MESSAGES, type TemplatePolicy } from './policy'
import { slugify } from './slug'
import { parseMemory } from './units'

export interface TemplateValidation extends ValidationResult {
  /** The canonical template, present only when it is valid. */
  data?: TemplateData
}

/** Docker refuses less than 6 MiB; more than 1 TiB is a typo. */
const MIN_MEMORY = 6 * 1024 ** 2
const MAX_MEMORY = 1024 ** 4

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.')

/**
 * The one template validator: the schema, the semantic rules and the host policy, each problem
 * reported with its path and a stable code. Behind `POST /api/templates/validate` and every
 * write path (create, update, import, clone), and run again before every deploy because the
 * policy may have changed since the template was stored.
 */
export function validateTemplate(input: unknown, policy: TemplatePolicy): TemplateValidation {
  if (!isObject(input)) {
    return {
      isValid: false,
      errors: [{ path: '', code: 'invalid_type', message: 'A template must be a JSON object' }],
      warnings: [],
    }
  }
  const errors: ValidationIssue[] = []
  const warnings: ValidationIssue[] = []
  const raw: Record<string, unknown> = { ...input }
  for (const field of SERVER_FIELDS) {
    if (field in raw) {
      warnings.push({
        path: field,
        code: 'ignored_field',
        message: `'${field}' is set by the server; the value sent is ignored`,
      })
      delete raw[field]
    }
  }
  const expanded = expandShorthands(raw)
  errors.push(...expanded.errors)
  warnings.push(...expanded.warnings)

  const parsed = parseDroppingUnknown(toPlainText(expanded.value, warnings), warnings)
  if (!parsed.success) {
    const reported = new Set(errors.map((e) => e.path))
    for (const issue of parsed.error.issues) {
      const path = pathOf(issue.path)
      if ([...reported].some((p) => p !== '' && (path === p || path.startsWith(`${p}.`)))) continue
      errors.push({ path, code: issue.code, message: issue.message })
    }
  }
  // Policy rules read the raw fields so they are reported even when other fields are wrong.
  checkPolicyFields(expanded.value, errors)
  if (!parsed.success || errors.length > 0) {
    if (parsed.success) checkSemantics(parsed.data, policy, errors, warnings)
    else if (
      typeof expanded.value.image === 'string' &&
      expanded.value.image.trim() &&
      !errors.some((e) => e.path === 'image')
    ) {
      // The image is the field people get wrong most: judge it even when others failed.
      checkImage(expanded.value.image.trim(), errors, warnings)
    }
    return { isValid: false, errors, warnings }
  }
  const data = checkSemantics(parsed.data, policy, errors, warnings)
  return errors.length ? { isValid: false, errors, warnings } : { isValid: true, errors, warnings, data }
}

type Parsed = z.ZodSafeParseResult<z.output<typeof TemplateDataSchema>>

/** Parses; fields the schema does not know become warnings and are dropped (never stored). */
function parseDroppingUnknown(value: Record<string, unknown>, warnings: ValidationIssue[]): Parsed {
  let candidate: unknown = value
  let parsed = TemplateDataSchema.safeParse(candidate)
  for (let round = 0; round < 5 && !parsed.success; round++) {
    const unknown = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys')
    if (unknown.length === 0) break
    candidate = structuredClone(candidate)
    for (const issue of unknown) {
      let target: unknown = candidate
      for (const key of issue.path) target = (target as Record<PropertyKey, unknown>)[key as PropertyKey]
      for (const key of (issue as { keys: string[] }).keys) {
        delete (target as Record<string, unknown>)[key]
        warnings.push({
          path: pathOf([...issue.path, key]),
          code: 'unknown_field',
          message: `'${key}' is not a template field; it is not stored`,
        })
      }
    }
    parsed = TemplateDataSchema.safeParse(candidate)
  }
  return parsed
}

function checkPolicyFields(value: Record<string, unknown>, errors: ValidationIssue[]) {
  if (value.privileged === true)
    errors.push({ path: 'privileged', code: 'privileged', message: POLICY_MESSAGES.privileged })
  if (value.networkMode === 'host')
    errors.push({ path: 'networkMode', code: 'host_network', message: POLICY_MESSAGES.host_network })
  if (Array.isArray(value.capAdd) && value.capAdd.length > 0)
    errors.push({ path: 'capAdd', code: 'cap_add', message: POLICY_MESSAGES.cap_add })
  if (Array.isArray(value.devices) && value.devices.length > 0)
    errors.push({ path: 'devices', code: 'devices', message: POLICY_MESSAGES.devices })
}

function checkImage(ref: string, errors: ValidationIssue[], warnings: ValidationIssue[]) {
  const image = parseImageRef(ref)
  if (!image)
    errors.push({
      path: 'image',
      code: 'invalid_image',
      message: `'${ref}' is not a Docker image reference like "postgres:16" or "ghcr.io/owner/app:1.2"`,
    })
  else if (!image.tag && !image.digest) {
    warnings.push({
      path: 'image',
      code: 'untagged_image',
      message: `'${ref}' has no tag, so Docker uses ':latest', which changes over time; pin a version`,
    })
  }
}

/** The rules a schema cannot express. Returns the canonical template (policy fields removed). */
function checkSemantics(
  parsed: z.output<typeof TemplateDataSchema>,
  policy: TemplatePolicy,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
): TemplateData {
  const { privileged: _p, capAdd: _c, devices: _d, networkMode, ...rest } = parsed
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message })
  const warn = (path: string, code: string, message: string) => warnings.push({ path, code, message })

  if (!slugify(parsed.name)) err('name', 'invalid_name', 'needs at least one letter or digit (a-z, 0-9)')

  checkImage(parsed.image, errors, warnings)

  const logo = parsed.logo ? normaliseLogoUrl(parsed.logo) : ''
  if (logo === null) err('logo', 'invalid_url', 'must be an http(s) URL')
  else if (logo !== parsed.logo) warn('logo', 'normalised_url', `stored as ${logo}`)

  const seenPorts = new Set<string>()
  const seenHostPorts = new Set<string>()
  parsed.ports.forEach((p, i) => {
    const key = `${p.container}/${p.protocol}`
    if (seenPorts.has(key)) err(`ports.${i}`, 'duplicate_port', `container port ${key} is listed twice`)
    seenPorts.add(key)
    if (p.host !== undefined) {
      const hostKey = `${p.host}/${p.protocol}`
      if (seenHostPorts.has(hostKey))
        err(`ports.${i}.host`, 'duplicate_host_port', `host port ${hostKey} is used twice`)
      seenHostPorts.add(hostKey)
    }
  })

  const seenEnv = new Set<string>()
  parsed.env.forEach((e, i) => {
    const path = `env.${i}`
    if (seenEnv.has(e.name)) err(`${path}.name`, 'duplicate_env', `variable ${e.name} is defined twice`)
    seenEnv.add(e.name)
    if (e.secret && e.default) {
      err(
        `${path}.default`,
        'secret_default',
        `secret ${e.name} must not have a default value: set "generate" or let the user supply it at deploy time`,
      )
    }
    // A default is shown and exported with the template: a password in it would leave in clear.
    if (!e.secret && e.default && carriesCredential(e.default)) {
      err(
        `${path}.default`,
        'credential_in_default',
        `the default of ${e.name} contains a password; make the password a secret variable the user supplies or that is generated`,
      )
    }
    if (e.generate && e.default !== undefined)
      err(`${path}.default`, 'default_with_generate', `${e.name} has both a default and "generate"; keep one`)
    if (e.options && e.default !== undefined && !e.options.some((o) => o.value === e.default)) {
      err(`${path}.default`, 'default_not_an_option', `default '${e.default}' of ${e.name} is not one of its options`)
    }
    if (!e.secret && isSecretName(e.name)) {
      warn(
        `${path}.secret`,
        'looks_secret',
        `${e.name} looks like a secret but is not marked "secret"; its value will still be hidden in service details`,
      )
    }
  })

  const seenTargets = new Set<string>()
  const seenNames = new Set<string>()
  const volumes = parsed.volumes.map((v, i) => {
    const path = `volumes.${i}`
    const container = normaliseAbsolutePath(v.container) ?? v.container
    if (container === '/') err(`${path}.container`, 'invalid_path', 'must not be the container root /')
    if (seenTargets.has(container)) err(`${path}.container`, 'duplicate_volume', `${container} is mounted twice`)
    seenTargets.add(container)
    if (v.name) {
      if (seenNames.has(v.name)) err(`${path}.name`, 'duplicate_volume', `volume name ${v.name} is used twice`)
      seenNames.add(v.name)
    }
    if (v.bind !== undefined) {
      const violation = checkBindMount(v.bind, policy)
      if (violation) err(`${path}.bind`, violation.code, violation.message)
      if (v.name) err(`${path}.name`, 'bind_with_name', 'a bind mount has no volume name; give either "bind" or "name"')
      return { ...v, container, bind: normaliseAbsolutePath(v.bind) ?? v.bind }
    }
    return { ...v, container }
  })

  for (const key of Object.keys(parsed.labels)) {
    if (key.toLowerCase().startsWith('zapie.'))
      err(`labels.${key}`, 'reserved_label', `labels starting with "zapie." are set by ZapieRakyat itself`)
  }

  const tiers = { ...DEFAULT_TIERS }
  for (const tier of TIER_NAMES) {
    const given = parsed.tiers[tier]
    if (!given) continue
    const bytes = parseMemory(given.memory)
    if (bytes === null || bytes < MIN_MEMORY || bytes > MAX_MEMORY)
      err(`tiers.${tier}.memory`, 'invalid_memory', 'must be between 6m and 1024g')
    tiers[tier] = { memory: given.memory.toLowerCase().replace(/\s+/g, ''), cpus: given.cpus }
  }

  const tags = [...new Map(parsed.tags.map((t) => [t.toLowerCase(), t])).values()]
  return { ...rest, logo: logo ?? '', networkMode: networkMode === 'none' ? 'none' : 'bridge', volumes, tiers, tags }
}
