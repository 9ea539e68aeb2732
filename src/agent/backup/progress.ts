import type { EventPublisher } from '../../events/types'

export type BackupOperation = 'backup' | 'restore' | 'upload'

export interface ProgressBase {
  backupId: string
  serviceId: string
  containerId: string
  operation: BackupOperation
}

/**
 * Publishes `backup-progress` events: every phase change at once, byte counts at most every
 * `intervalMs` so a fast stream does not flood the event buffer.
 */
export class ProgressReporter {
  private lastBytesAt = 0
  private phase = ''

  constructor(
    private readonly events: EventPublisher,
    private readonly base: ProgressBase,
    private readonly now: () => number,
    private readonly intervalMs = 500,
  ) {}

  /** `percent` is null while the total is unknown (a first backup of a service). */
  report(phase: string, bytes: number, percent: number | null, extra: Record<string, unknown> = {}) {
    const t = this.now()
    if (phase === this.phase && t - this.lastBytesAt < this.intervalMs) return
    this.phase = phase
    this.lastBytesAt = t
    this.events.publish('backup-progress', {
      ...this.base,
      // The stable id is the container name (ARCHITECTURE §3); every event names both.
      serviceName: this.base.serviceId,
      phase,
      bytes,
      percent: percent === null ? null : Math.max(0, Math.min(100, Math.round(percent))),
      ...extra,
    })
  }
}
