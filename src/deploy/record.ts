import type { DeploySpec } from './spec'

/** The steps of a deploy, in order (`restore` only for a restore into a new service); `error` replaces whatever step failed. */
export const DEPLOY_STEPS = [
  'accepted',
  'volume',
  'port',
  'image',
  'restore',
  'create',
  'start',
  'ready',
  'cleanup',
  'done',
  'error',
] as const
export type DeployStep = (typeof DEPLOY_STEPS)[number]
export type StepStatus = 'in-progress' | 'completed' | 'failed'

export interface DeploymentStepRecord {
  step: DeployStep
  status: StepStatus
  message: string
  at: string
}

/**
 * What the agent keeps about one deploy (`deployments:<id>`). Names of secret variables only:
 * their values are returned once, in the deploy response, and never stored.
 */
export interface DeploymentRecord {
  id: string
  status: 'in-progress' | 'succeeded' | 'failed'
  serviceName: string
  containerName: string
  serviceType: string
  tier: string
  templateId: string
  templateName: string
  image: string
  containerId: string | null
  ports: { container: number; host: number; protocol: string }[]
  volumes: string[]
  url: string | null
  secretNames: string[]
  error: { status: number; code: string; message: string } | null
  steps: DeploymentStepRecord[]
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

/** The record of a deploy that has just been accepted: in progress, nothing created yet. */
export function newDeploymentRecord(spec: DeploySpec, id: string, at: string): DeploymentRecord {
  return {
    id,
    status: 'in-progress',
    serviceName: spec.serviceName,
    containerName: spec.containerName,
    serviceType: spec.serviceType,
    tier: spec.tier,
    templateId: spec.templateId,
    templateName: spec.templateName,
    image: spec.image,
    containerId: null,
    ports: [],
    volumes: spec.volumes.flatMap((v) => (v.type === 'volume' ? [v.name] : [])),
    url: null,
    secretNames: spec.secretNames,
    error: null,
    steps: [],
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
  }
}
