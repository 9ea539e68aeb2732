import { z } from 'zod'
import { createRouter } from '../../src/router'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BackupCatalogueResponse } from '../../src/schemas/backups-api'

const Query = z.strictObject({ serviceId: z.string().trim().min(1).max(128).optional() })

/** Every backup, those of deleted services included, each with the service and template it came from. */
export default createRouter().get(
  '/api/backups',
  describeRoute({
    summary: 'Every backup, those of deleted services included',
    tags: ['backups'],
    responses: { 200: BackupCatalogueResponse },
  }),
  validate('query', Query),
  async (c) => {
    const { serviceId } = c.req.valid('query')
    const { backups, corrupt } = await c.var.agent.listAllBackups({ serviceId, signal: c.req.raw.signal })
    return c.json({ success: true, backups, total: backups.length, corrupt }, 200)
  },
)
