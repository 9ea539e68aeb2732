import { describeRoute } from '../../src/openapi/describe'
import { createRouter } from '../../src/router'
import { OpenApiDocument } from '../../src/schemas/system-api'

/** The OpenAPI 3.1 document, generated from the routes' own schemas (src/openapi/). Public: it holds no secrets. */
export default createRouter().get(
  '/api/openapi.json',
  describeRoute({
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['docs'],
    responses: { 200: OpenApiDocument },
    public: true,
  }),
  (c) => c.json(c.var.openapi(), 200),
)
