import { createRouter } from '../../src/router'
import { toDeployService } from '../../src/deploy/catalogue'
import { describeRoute } from '../../src/openapi/describe'
import { DeployServicesResponse } from '../../src/schemas/deploy-api'

/** What can be deployed, in the original catalogue shape (`id, name, description, path`) with tiers. */
export default createRouter().get(
  '/api/deploy/services',
  describeRoute({
    summary: 'What can be deployed, with tiers and variables',
    tags: ['deploy'],
    responses: { 200: DeployServicesResponse },
  }),
  async (c) => {
    const { templates } = await c.var.stores.templates.list()
    const services = [...templates].sort((a, b) => a.name.localeCompare(b.name)).map(toDeployService)
    return c.json({ success: true, services, total: services.length }, 200)
  },
)
