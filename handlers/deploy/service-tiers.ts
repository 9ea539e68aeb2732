import { z } from 'zod'
import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { toDeployService } from '../../src/deploy/catalogue'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { DeployServiceTiersResponse } from '../../src/schemas/deploy-api'

const Params = z.object({
  serviceType: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'must be a service type'),
})

/** One deployable service with its tiers as `templates`, the path the original deploy pages call. */
export default createRouter().get(
  '/api/deploy/services/:serviceType/templates',
  describeRoute({
    summary: 'One deployable service with its tiers as `templates`',
    tags: ['deploy'],
    responses: { 200: DeployServiceTiersResponse },
  }),
  validate('param', Params),
  async (c) => {
    const { serviceType } = c.req.valid('param')
    const template = await c.var.stores.templates.find(serviceType)
    if (!template) throw notFound('service type', serviceType)
    const service = toDeployService(template)
    return c.json({ success: true, service: { ...service, templates: service.tiers } }, 200)
  },
)
