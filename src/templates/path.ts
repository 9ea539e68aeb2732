/**
 * POSIX path helpers with no `node:path`: the template validator runs in handlers, which also
 * run on Cloudflare Workers.
 */

/** `//a/./b/../c/` → `/a/c`. Returns null for a relative path; `..` never climbs above `/`. */
export function normaliseAbsolutePath(path: string): string | null {
  if (!path.startsWith('/')) return null
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  return `/${out.join('/')}`
}

/** True when `path` is `base` or lies below it (segment-wise: `/srv/data2` is not under `/srv/data`). */
export function isSameOrUnder(path: string, base: string): boolean {
  if (base === '/') return true
  return path === base || path.startsWith(`${base}/`)
}
