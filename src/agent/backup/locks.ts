import { conflict } from '../../errors'

/**
 * One backup, restore or upload per service at a time: two jobs reading and swapping the same
 * volumes would pause, stop and recreate the service under each other.
 */
export class ServiceLocks {
  private readonly held = new Map<string, string>()

  /** Takes the service's lock or throws 409 naming what holds it. Returns the release. */
  acquire(serviceId: string, what: string): () => void {
    const holder = this.held.get(serviceId)
    if (holder) throw conflict(`A ${holder} of service '${serviceId}' is already running`, 'operation_in_progress')
    this.held.set(serviceId, what)
    let released = false
    return () => {
      if (released) return
      released = true
      this.held.delete(serviceId)
    }
  }

  isHeld(serviceId: string): boolean {
    return this.held.has(serviceId)
  }
}
