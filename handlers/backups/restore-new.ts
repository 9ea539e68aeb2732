import { z } from 'zod'
import {
  assertNameFree,
  buildRestoreSpec,
  resolveBackupTemplate,
  RestoreAsNewBody,
} from '../../src/deploy/restore-spec'
import { deploymentView } from '../../src/deploy/view'
import { AppError, errorBody } from '../../src/errors'
import { createRouter } from '../../src/router'
import { BackupId } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { RestoreNewResponse } from '../../src/schemas/backups-api'

const Params = z.object({ backupId: BackupId })

/**
 * Restores a backup into a new service — the way back after its own service was deleted:
 * deploys the template the backup came from (in its tier unless `tier` says otherwise) and
 * restores the data before the first start. Variables not given in `env` keep the backed-up
 * container's values; secrets generated for variables the backup did not have are returned once.
 */
export default createRouter().post(
  '/api/backups/:backupId/restore',
  describeRoute({
    summary: 'Restore a backup into a new service',
    tags: ['backups'],
    responses: { 201: RestoreNewResponse },
  }),
  validate('param', Params),
  validate('json', RestoreAsNewBody),
  async (c) => {
    const { backupId } = c.req.valid('param')
    const body = c.req.valid('json')
    const signal = c.req.raw.signal
    const backup = await c.var.agent.getBackup(backupId, { signal })
    const template = await resolveBackupTemplate(c.var.stores.templates, backup, c.var.config)
    assertNameFree(await c.var.agent.listServices({ signal }), template, body.serviceName)
    const { spec, envFromBackup, generatedSecrets } = buildRestoreSpec(
      template,
      backup,
      body,
      new Date(c.var.clock.now()),
    )
    const deploymentId = body.deploymentId ?? crypto.randomUUID()
    try {
      const restored = await c.var.agent.restoreBackupAsNew(backupId, spec, { deploymentId, envFromBackup, signal })
      const fresh = Object.fromEntries(
        Object.entries(generatedSecrets).filter(([name]) => !restored.envFromBackup.includes(name)),
      )
      return c.json(
        {
          success: true,
          message: `Backup ${backupId} restored into the new service "${spec.serviceName}"`,
          backupId,
          sourceServiceId: restored.sourceServiceId,
          deploymentId,
          serviceId: spec.containerName,
          serviceName: spec.containerName,
          containerName: spec.containerName,
          displayName: spec.serviceName,
          templateId: template.id,
          template: spec.tier,
          containerId: restored.deployment.containerId,
          url: restored.deployment.url,
          service: restored.service,
          envFromBackup: restored.envFromBackup,
          generatedSecrets: fresh,
          deployment: deploymentView(restored.deployment),
        },
        201,
      )
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      // The envelope, plus which deployment failed: its record says what was cleaned up.
      return c.json({ ...errorBody(err, c.var.requestId), deploymentId }, err.status)
    }
  },
)
