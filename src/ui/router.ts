import { useEffect } from 'hono/jsx/dom'
import { useState } from './hooks'

/** Screens live after the `#` (e.g. `#/services/<id>`), so the one HTML page serves them all. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [route, setRoute] = useState(read)
  useEffect(() => {
    const update = () => setRoute(read())
    addEventListener('hashchange', update)
    return () => removeEventListener('hashchange', update)
  }, [])
  return route
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`
export const navigate = (...parts: string[]) => (location.hash = href(...parts))
