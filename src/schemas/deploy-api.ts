import { z } from 'zod'
import { DEPLOY_STEPS } from '../deploy/record'
import { okWith } from './errors'
import { ServiceSummarySchema } from './services-api'

/** Response shapes of the deploy routes (handlers/deploy/). */

export const DeploymentSchema = z.looseObject({
  id: z.string(),
  deploymentId: z.string(),
  status: z.enum(['in-progress', 'succeeded', 'failed']),
  serviceId: z.string().describe('Stable service id (= container name)'),
  serviceName: z.string().describe('Container name'),
  containerName: z.string(),
  displayName: z.string().describe('The name the user gave the service'),
  serviceType: z.string(),
  tier: z.string(),
  templateId: z.string(),
  containerId: z.string().nullable(),
  ports: z.array(z.looseObject({ container: z.number().int(), host: z.number().int(), protocol: z.string() })),
  url: z.string().nullable(),
  error: z.looseObject({ status: z.number().int(), code: z.string(), message: z.string() }).nullable(),
  steps: z.array(
    z.looseObject({ step: z.enum(DEPLOY_STEPS), status: z.string(), message: z.string(), at: z.string() }),
  ),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
})

const Summary = {
  deploymentId: z.string(),
  serviceId: z.string(),
  serviceName: z.string().describe('Container name'),
  containerName: z.string(),
  displayName: z.string().describe('The name the user gave the service'),
  serviceType: z.string(),
  templateId: z.string(),
  template: z.string().describe('The tier'),
  status: z.string(),
  generatedSecrets: z.record(z.string(), z.string()).describe('Returned here once, never stored'),
  deployment: DeploymentSchema,
  message: z.string(),
}
export const DeployStartedResponse = okWith(Summary)
export const DeployDoneResponse = okWith({
  ...Summary,
  url: z.string().nullable(),
  containerId: z.string().nullable(),
  service: ServiceSummarySchema,
})
export const DeploymentResponse = okWith({ deployment: DeploymentSchema })

export const TierCardSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  cpu: z.string(),
  ram: z.string(),
  memory: z.string(),
  cpus: z.number(),
  description: z.string(),
  price: z.string(),
  priceValue: z.number(),
})

export const DeployServiceSchema = z.looseObject({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  description: z.string(),
  path: z.string(),
  category: z.string(),
  image: z.string(),
  tiers: z.array(TierCardSchema),
  variables: z.array(
    z.looseObject({
      name: z.string(),
      label: z.string(),
      required: z.boolean(),
      secret: z.boolean(),
      generated: z.boolean(),
    }),
  ),
})
export const DeployServicesResponse = okWith({ services: z.array(DeployServiceSchema), total: z.number().int() })
export const DeployServiceTiersResponse = okWith({
  service: DeployServiceSchema.extend({ templates: z.array(TierCardSchema) }),
})
