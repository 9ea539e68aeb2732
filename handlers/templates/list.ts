import { createJsonCache } from '../../src/cached-json'
import { createRouter } from '../../src/router'
import { TemplateListQuery } from '../../src/schemas/template'
import { searchTemplates } from '../../src/templates/search'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateListResponse } from '../../src/schemas/templates-api'

// Pages kept per catalogue read and query: the same page is not searched and serialised again.
const json = createJsonCache()

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
    const { templates, corrupt, version } = await c.get('stores').templates.list()
    if (corrupt.length) c.get('logger').warn({ msg: 'unreadable template records', keys: corrupt })
    const body = () => ({ success: true as const, ...searchTemplates(templates, query), corrupt })
    return json(c, version, body, 200, JSON.stringify(query))
  },
)
