import { z } from 'zod'
import type { TemplateStore } from '../../storage/templates'
import { AppError, conflict, unprocessable } from '../errors'
import type { CatalogueEntry } from '../schemas/backup'
import type { ServiceSummary } from '../schemas/service'
import { EnvName, TIER_NAMES, type Template, type TierName } from '../schemas/template'
import type { TemplatePolicy } from '../templates/policy'
import { buildDeploySpec, sanitiseServiceName } from './build'
import { resolveDeployTemplate } from './resolve'
import { DeploymentId, FROM_BACKUP, type DeploySpec } from './spec'

/** `POST /api/backups/:backupId/restore`: restore into a new service. */
export const RestoreAsNewBody = z.strictObject({
  serviceName: z.string().trim().min(1, 'is required').max(64),
  tier: z.enum(TIER_NAMES).optional(),
  /** Values that replace the backed-up ones (and the template's defaults). */
  env: z
    .record(EnvName, z.string().max(32_768))
    .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')
    .optional(),
  deploymentId: DeploymentId.optional(),
})
export type RestoreAsNewBody = z.infer<typeof RestoreAsNewBody>

/**
 * The template a backup came from, checked against today's policy like any deploy: by the
 * recorded template id, else by the service type (slug) its service carried.
 */
export async function resolveBackupTemplate(
  store: TemplateStore,
  backup: CatalogueEntry,
  policy: TemplatePolicy,
): Promise<Template> {
  const noTemplate = () =>
    unprocessable(
      `Backup ${backup.id} of '${backup.serviceId}' names no template that exists here${backup.template ? ` (it came from '${backup.template}')` : ''}; restore it into an existing service instead`,
    )
  const attempts = [
    ...(backup.templateId ? [{ templateId: backup.templateId }] : []),
    ...(backup.template ? [{ serviceType: backup.template }] : []),
  ]
  for (const ref of attempts) {
    try {
      return await resolveDeployTemplate(store, ref, policy)
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 404) throw err
    }
  }
  throw noTemplate()
}

/** 409 when a managed service already has this name for this template (what a user calls "taken"). */
export function assertNameFree(services: readonly ServiceSummary[], template: Template, serviceName: string): void {
  const name = sanitiseServiceName(serviceName)
  const pattern = new RegExp(`^zapie-${template.slug}-${name}-[0-9a-f]{8}$`)
  const taken = services.find((s) => pattern.test(s.name))
  if (taken)
    throw conflict(
      `A ${template.name} service named '${name}' already exists (${taken.serviceId}); choose another name`,
      'service_exists',
    )
}

export interface RestoreSpec {
  spec: DeploySpec
  /** Variables the agent fills from the backup: every one the caller did not give. */
  envFromBackup: string[]
  generatedSecrets: Record<string, string>
}

/** The deploy spec of the new service: the template's, in the backup's tier unless told otherwise. */
export function buildRestoreSpec(
  template: Template,
  backup: CatalogueEntry,
  body: RestoreAsNewBody,
  now: Date,
): RestoreSpec {
  const given = body.env ?? {}
  const values: Record<string, string> = { ...given }
  for (const variable of template.env) {
    if (variable.required && variable.default === undefined && !variable.generate && !(variable.name in given))
      values[variable.name] = FROM_BACKUP
  }
  const recordedTier = TIER_NAMES.find((t) => t === backup.tier)
  const tier: TierName = body.tier ?? recordedTier ?? 'basic'
  const built = buildDeploySpec(template, { serviceName: body.serviceName, tier, values }, { now })
  if (!built.ok)
    throw new AppError(
      422,
      'invalid_deploy',
      `Cannot deploy ${template.name}: ${built.issues.map((i) => i.message).join('; ')}`,
      built.issues,
    )
  return {
    spec: built.spec,
    envFromBackup: template.env.map((v) => v.name).filter((name) => !(name in given)),
    generatedSecrets: built.generatedSecrets,
  }
}
