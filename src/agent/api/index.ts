import type { z } from 'zod'
import { backupsContract, type BackupsApi } from './backups'
import { bulkContract, type BulkApi } from './bulk'
import { deployContract, type DeployApi } from './deploy'
import type { MethodSpec, RpcSpec } from './method'
import { alertsContract, monitoringContract, type AlertsApi, type MonitoringApi } from './monitoring'
import { servicesContract, type ServicesApi } from './services'

export type { CallOptions } from './call-options'
export type { MethodSpec, RpcSpec, StreamSpec, Transport } from './method'
export type { BackupsApi, CreateBackupInput, UploadBackupInput } from './backups'
export type { BulkApi } from './bulk'
export type { DeployApi, DeployOutcome } from './deploy'
export type { AlertsApi, MonitoringApi } from './monitoring'
export type { DockerStatus, ServicesApi, SystemSummary } from './services'

/**
 * Everything handlers may ask of the host agent: one interface per area, joined here. Two
 * implementations: in-process (`local.ts`, one host) and over HTTP with a bearer token
 * (`http-client.ts`). Both resolve `ref` only among managed containers (ARCHITECTURE §3) and
 * throw AppError with the same status and code.
 */
export interface AgentClient extends ServicesApi, DeployApi, MonitoringApi, AlertsApi, BackupsApi, BulkApi {}

/**
 * The wire contract of every AgentClient method, one entry each: how it travels (`transport`),
 * its arguments and its result as zod schemas. The HTTP client's stubs, the agent server's
 * dispatch table and the checks below are derived from it, so adding a method is one entry
 * here (and its signature in the area interface), and a mismatch fails `npm run typecheck`.
 */
export const AGENT_CONTRACT = {
  ...servicesContract,
  ...deployContract,
  ...monitoringContract,
  ...alertsContract,
  ...backupsContract,
  ...bulkContract,
} satisfies { [M in keyof AgentClient]: MethodSpec }

export type AgentContract = typeof AGENT_CONTRACT

/** The methods that travel as `POST /rpc/<method>` (plain and long calls). */
export type RpcMethod = {
  [M in keyof AgentContract]: AgentContract[M] extends RpcSpec ? M : never
}[keyof AgentContract]

/** Their names, in the contract's order. */
export const RPC_METHODS = (Object.keys(AGENT_CONTRACT) as (keyof AgentContract)[]).filter(
  (m): m is RpcMethod => AGENT_CONTRACT[m].transport !== 'stream',
)

export function isRpcMethod(method: string): method is RpcMethod {
  return Object.hasOwn(AGENT_CONTRACT, method) && AGENT_CONTRACT[method as keyof AgentContract].transport !== 'stream'
}

type Spec<M extends RpcMethod> = AgentContract[M] extends RpcSpec<infer A, infer R> ? { args: A; result: R } : never

/** The method as the contract describes it, to the caller: what it may send, what it gets back. */
type AsCalled<M extends RpcMethod> = (...args: z.input<Spec<M>['args']>) => Promise<z.output<Spec<M>['result']>>
/** The method as the agent server calls it: with parsed arguments, answering what the contract lets through. */
type AsServed<M extends RpcMethod> = (...args: z.output<Spec<M>['args']>) => Promise<z.input<Spec<M>['result']>>

/**
 * Both directions: every call the interface allows is one the agent accepts, and its result
 * is what the interface promises; the agent's implementation takes what the server parses and
 * answers what the contract allows.
 */
type Agrees<M extends RpcMethod> =
  AgentClient[M] extends AsServed<M> ? (AsCalled<M> extends AgentClient[M] ? true : false) : false
type Mismatched = { [M in RpcMethod]: Agrees<M> extends true ? never : M }[RpcMethod]

// A method whose interface and contract entry disagree is named in the error of this line.
const contractAgrees: [Mismatched] extends [never] ? true : Mismatched = true
void contractAgrees
