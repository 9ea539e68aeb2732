import { createRouter } from '../../src/router'
import { DeploymentParams } from '../../src/deploy/request'
import { validate } from '../../src/validate'

/** A deploy's record: status, steps so far, error — for a client that missed the events. */
export default createRouter().get('/api/deploy/:deploymentId', validate('param', DeploymentParams), async (c) => {
  const { deploymentId } = c.req.valid('param')
  const deployment = await c.var.agent.getDeployment(deploymentId, { signal: c.req.raw.signal })
  return c.json({ success: true, deployment }, 200)
})
