// The AgentClient is declared with the agent contract (./api); kept here so existing imports read on.
export type { AgentClient, CallOptions, DockerStatus, SystemSummary } from './api'
