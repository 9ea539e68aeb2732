import { z } from 'zod'
import { createRouter } from '../../src/router'
import { QueryBool, ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceDeleteResponse } from '../../src/schemas/services-api'

const Query = z.strictObject({ keepData: QueryBool.default(true), deleteBackups: QueryBool.default(false) })

export default createRouter().delete(
  '/api/services/:containerId',
  describeRoute({
    summary: 'Delete a service (its data volume is kept unless keepData=false)',
    tags: ['services'],
    responses: { 200: ServiceDeleteResponse },
  }),
  validate('param', ServiceParams),
  validate('query', Query),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { keepData, deleteBackups } = c.req.valid('query')
    const result = await c.var.agent.removeService(containerId, { keepData, deleteBackups, signal: c.req.raw.signal })
    const kept = result.backupsKept.length
      ? `; its ${result.backupsKept.length} backup(s) were kept (GET /api/backups)`
      : ''
    const message = (keepData ? 'Service deleted; its data volume was kept' : 'Service and its data deleted') + kept
    return c.json({ success: true, message, ...result }, 200)
  },
)
