import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BackupListResponse } from '../../src/schemas/backups-api'

export default createRouter().get(
  '/api/services/:containerId/backups',
  describeRoute({
    summary: "A service's backups, newest first",
    tags: ['backups'],
    responses: { 200: BackupListResponse },
  }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { serviceId, backups, corrupt } = await c.var.agent.listBackups(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, serviceId, backups, total: backups.length, corrupt }, 200)
  },
)
