import type { DeploymentRecord } from './record'

/**
 * A deployment record as the API shows it, in the one vocabulary of every response and event:
 * `serviceId` and `serviceName` are the container name, `displayName` the name the user typed
 * (stored as the record's `serviceName`, which stays as it is on disk).
 */
export function deploymentView(record: DeploymentRecord) {
  return {
    ...record,
    deploymentId: record.id,
    serviceId: record.containerName,
    serviceName: record.containerName,
    displayName: record.serviceName,
  }
}
