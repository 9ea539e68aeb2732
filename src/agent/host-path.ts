import { lstat, readlink } from 'node:fs/promises'

/** Linux's own bound on links followed while resolving one path. */
const MAX_LINKS = 40

/**
 * Where `path` really leads on this host, the way the kernel walks it when Docker mounts it:
 * each existing component is looked at with lstat, a symbolic link is replaced by its target
 * (absolute targets restart from `/`), and `..` climbs from the real directory reached so far,
 * not from the spelling. The first component that does not exist ends the walk and the rest is
 * appended as written — Docker would create it there. A dangling link is therefore followed to
 * where it points (`link -> /root/.ssh` resolves to `/root/.ssh`, even when that is missing),
 * which `fs.realpath` cannot say: it only fails with ENOENT.
 *
 * The answer has no symbolic link and no `.`/`..` in it. Throws the fs error for anything but a
 * missing component (ELOOP, ENOTDIR, EACCES …).
 */
export async function resolveHostPath(path: string): Promise<string> {
  const pending = path.split('/')
  const real: string[] = []
  let links = 0
  while (pending.length) {
    const segment = pending.shift()!
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      real.pop()
      continue
    }
    const next = `/${[...real, segment].join('/')}`
    let isLink: boolean
    try {
      isLink = (await lstat(next)).isSymbolicLink()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      // Nothing exists from here on: no link can hide in the rest, and `..` is only spelling.
      return appendMissing(real, [segment, ...pending])
    }
    if (!isLink) {
      real.push(segment)
      continue
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`Too many symbolic links in '${path}'`), { code: 'ELOOP' })
    const target = await readlink(next)
    if (target.startsWith('/')) real.length = 0
    pending.unshift(...target.split('/'))
  }
  return `/${real.join('/')}`
}

function appendMissing(real: string[], rest: string[]): string {
  const out = [...real]
  for (const segment of rest) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  return `/${out.join('/')}`
}
