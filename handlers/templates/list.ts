import { createRouter } from '../../src/router'
import { TemplateListQuery } from '../../src/schemas/template'
import { searchTemplates } from '../../src/templates/search'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateListResponse } from '../../src/schemas/templates-api'

/** The catalogue: `search` (name, description, tags), `category`, `favorite`, `sort`/`order`, `limit`/`offset`. */
export default createRouter().get(
  '/api/templates',
  describeRoute({
    summary: 'The template catalogue, searchable and paged',
    tags: ['templates'],
    responses: { 200: TemplateListResponse },
  }),
  validate('query', TemplateListQuery),
  async (c) => {
    const query = c.req.valid('query')
    const { templates, corrupt } = await c.var.stores.templates.list()
    if (corrupt.length) c.var.logger.warn({ msg: 'unreadable template records', keys: corrupt })
    const page = searchTemplates(templates, query)
    return c.json({ success: true, ...page, corrupt }, 200)
  },
)
