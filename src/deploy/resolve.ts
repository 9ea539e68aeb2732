import type { TemplateStore } from '../../storage/templates'
import { notFound, unprocessable } from '../errors'
import type { Template } from '../schemas/template'
import type { TemplatePolicy } from '../templates/policy'
import { summarise, templateData } from '../templates/record'
import { validateTemplate } from '../templates/validate'

/**
 * The template a deploy names (`templateId`, or `serviceType`: a slug or name as the original
 * clients send), checked again against today's policy — the allow-list may have shrunk since it
 * was stored.
 */
export async function resolveDeployTemplate(
  store: TemplateStore,
  body: { templateId?: string; serviceType?: string },
  policy: TemplatePolicy,
): Promise<Template> {
  const ref = body.templateId ?? body.serviceType!
  const template = body.templateId ? await store.get(body.templateId) : await store.find(ref)
  if (!template) throw notFound(body.templateId ? 'template' : 'service type', ref)
  const check = validateTemplate(templateData(template), policy)
  if (!check.data)
    throw unprocessable(`Template '${template.name}' cannot be deployed: ${summarise(check.errors)}`, check.errors)
  return {
    ...check.data,
    id: template.id,
    slug: template.slug,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
    createdBy: template.createdBy,
  }
}
