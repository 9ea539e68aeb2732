import { z } from 'zod'
import { QueryBool } from '../schemas/params'
import { EnvName, TemplateId, TIER_NAMES } from '../schemas/template'
import { DeploymentId } from './spec'

const Values = z
  .record(EnvName, z.string().max(32_768))
  .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')

/**
 * `POST /api/deploy`. The original clients send `{serviceName, serviceType, template, credentials}`
 * where `template` is the tier; `templateId`, `tier` and `env` are the clearer spellings.
 */
export const DeployBody = z
  .strictObject({
    templateId: TemplateId.optional(),
    serviceType: z.string().trim().min(1).max(100).optional(),
    serviceName: z.string().trim().min(1, 'is required').max(64),
    template: z.enum(TIER_NAMES).optional(),
    tier: z.enum(TIER_NAMES).optional(),
    credentials: Values.optional(),
    env: Values.optional(),
    deploymentId: DeploymentId.optional(),
  })
  .superRefine((body, ctx) => {
    if (!body.templateId && !body.serviceType)
      ctx.addIssue({ code: 'custom', path: ['templateId'], message: 'templateId or serviceType is required' })
    if (body.template && body.tier && body.template !== body.tier)
      ctx.addIssue({ code: 'custom', path: ['tier'], message: "'template' and 'tier' disagree" })
    for (const name of Object.keys(body.env ?? {})) {
      if (body.credentials && name in body.credentials && body.credentials[name] !== body.env![name]) {
        ctx.addIssue({ code: 'custom', path: ['env', name], message: `${name} is given twice, with different values` })
      }
    }
  })

export const DeployQuery = z.strictObject({ wait: QueryBool.default(false) })
export const DeploymentParams = z.object({ deploymentId: DeploymentId })
