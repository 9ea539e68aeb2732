/**
 * Tells a crash from a deliberate stop, from the engine's container events. On this engine a
 * `docker stop` (and the API's stop, restart and delete) emits kill → die → stop; a `docker kill`,
 * an OOM kill or a process that exits on its own emits die with no stop after it. So a die is a
 * crash unless a stop follows within `graceMs`; until then it is not yet known.
 */
export function createCrashDetector(options: { graceMs: number }) {
  const deaths = new Map<string, { at: number; deliberate: boolean }>()

  return {
    onEvent(action: string, containerId: string, at: number) {
      switch (action) {
        case 'die':
          deaths.set(containerId, { at, deliberate: false })
          break
        case 'stop': {
          const death = deaths.get(containerId)
          if (death) death.deliberate = true
          else deaths.set(containerId, { at, deliberate: true })
          break
        }
        case 'start':
        case 'destroy':
          deaths.delete(containerId)
          break
      }
    },

    /**
     * true: it died on its own; false: it was stopped, or we saw no death (it was already down
     * when the agent started — not ours to call a crash); null: died moments ago, verdict pending.
     */
    crashed(containerId: string, now: number): boolean | null {
      const death = deaths.get(containerId)
      if (!death) return false
      if (death.deliberate) return false
      return now - death.at >= options.graceMs ? true : null
    },

    retain(liveIds: Set<string>) {
      for (const id of deaths.keys()) if (!liveIds.has(id)) deaths.delete(id)
    },
  }
}

export type CrashDetector = ReturnType<typeof createCrashDetector>
