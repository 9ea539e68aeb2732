import { z } from 'zod'
import { createRouter } from '../../src/router'
import { QueryBool, ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

const Query = z.strictObject({ keepData: QueryBool.default(true) })

export default createRouter().delete(
  '/api/services/:containerId',
  validate('param', ServiceParams),
  validate('query', Query),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { keepData } = c.req.valid('query')
    const result = await c.var.agent.removeService(containerId, { keepData, signal: c.req.raw.signal })
    const message = keepData ? 'Service deleted; its data volume was kept' : 'Service and its data deleted'
    return c.json({ success: true, message, ...result }, 200)
  },
)
