import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { StorageResponse } from '../../src/schemas/backups-api'

export default createRouter().get(
  '/api/services/:containerId/storage',
  describeRoute({ summary: "A service's backup storage use", tags: ['backups'], responses: { 200: StorageResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const storage = await c.var.agent.backupStorage(containerId, { signal: c.req.raw.signal })
    // `used`/`total` as the original API served them, beside our breakdown.
    return c.json(
      { success: true, storage: { ...storage, used: storage.service.bytes, total: storage.filesystem.total } },
      200,
    )
  },
)
