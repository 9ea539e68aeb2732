import { useCallback, useEffect, useRef, useState as useHonoState } from 'hono/jsx/dom'

/**
 * `useState` whose setter does nothing once its component is gone. A screen's requests often
 * answer after the user has moved on; hono/jsx/dom renders a component whose state is set after
 * it was removed, and puts the screen the user left back into the page next to the new one.
 */
export function useState<T>(initial: T | (() => T)): [T, (next: T | ((old: T) => T)) => void] {
  const [value, set] = useHonoState<T>(initial)
  const alive = useRef(true)
  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
    }
  }, [])
  const guarded = useCallback((next: T | ((old: T) => T)) => {
    if (alive.current) set(next)
  }, [])
  return [value, guarded]
}
