import { createRouter } from '../../src/router'
import { DeploymentParams } from '../../src/deploy/request'
import { deploymentView } from '../../src/deploy/view'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { DeploymentResponse } from '../../src/schemas/deploy-api'

/** A deploy's record: status, steps so far, error — for a client that missed the events. */
export default createRouter().get(
  '/api/deploy/:deploymentId',
  describeRoute({ summary: "A deploy's record", tags: ['deploy'], responses: { 200: DeploymentResponse } }),
  validate('param', DeploymentParams),
  async (c) => {
    const { deploymentId } = c.req.valid('param')
    const deployment = await c.var.agent.getDeployment(deploymentId, { signal: c.req.raw.signal })
    return c.json({ success: true, deployment: deploymentView(deployment) }, 200)
  },
)
