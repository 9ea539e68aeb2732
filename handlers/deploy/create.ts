import { AppError, errorBody } from '../../src/errors'
import { createRouter } from '../../src/router'
import { buildDeploySpec } from '../../src/deploy/build'
import { DeployBody, DeployQuery } from '../../src/deploy/request'
import { resolveDeployTemplate } from '../../src/deploy/resolve'
import { deploymentView } from '../../src/deploy/view'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { DeployDoneResponse, DeployStartedResponse } from '../../src/schemas/deploy-api'

/**
 * Deploys a template. Answers 202 with the `deploymentId` at once (progress arrives as
 * `deployment-progress` events for that id), or with `?wait=true` 201 and the running service.
 * Generated secrets are in this response and nowhere else.
 */
export default createRouter().post(
  '/api/deploy',
  describeRoute({
    summary: 'Deploy a template (202 at once, 201 with ?wait=true)',
    tags: ['deploy'],
    responses: { 201: DeployDoneResponse, 202: DeployStartedResponse },
  }),
  validate('query', DeployQuery),
  validate('json', DeployBody),
  async (c) => {
    const body = c.req.valid('json')
    const { wait } = c.req.valid('query')
    const template = await resolveDeployTemplate(c.var.stores.templates, body, c.var.config)
    const built = buildDeploySpec(
      template,
      {
        serviceName: body.serviceName,
        tier: body.tier ?? body.template ?? 'basic',
        values: { ...body.credentials, ...body.env },
      },
      { now: new Date(c.var.clock.now()) },
    )
    if (!built.ok)
      throw new AppError(
        422,
        'invalid_deploy',
        `Cannot deploy ${template.name}: ${built.issues.map((i) => i.message).join('; ')}`,
        built.issues,
      )
    const { spec, generatedSecrets } = built
    const deploymentId = body.deploymentId ?? crypto.randomUUID()
    const summary = {
      deploymentId,
      serviceId: spec.containerName,
      serviceName: spec.containerName,
      containerName: spec.containerName,
      displayName: spec.serviceName,
      serviceType: spec.serviceType,
      templateId: template.id,
      template: spec.tier,
    }
    if (!wait) {
      const { deployment } = await c.var.agent.deploy(spec, { deploymentId, wait: false, signal: c.req.raw.signal })
      const message = `Deployment started; follow it at /api/events?deploymentId=${deploymentId}`
      return c.json(
        {
          success: true,
          ...summary,
          status: deployment.status,
          generatedSecrets,
          deployment: deploymentView(deployment),
          message,
        },
        202,
      )
    }
    try {
      const { deployment, service } = await c.var.agent.deploy(spec, {
        deploymentId,
        wait: true,
        signal: c.req.raw.signal,
      })
      const message = `Service "${spec.serviceName}" deployed successfully!`
      return c.json(
        {
          success: true,
          ...summary,
          status: deployment.status,
          url: deployment.url,
          containerId: deployment.containerId,
          service,
          generatedSecrets,
          deployment: deploymentView(deployment),
          message,
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
