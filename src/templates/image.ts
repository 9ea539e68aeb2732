/**
 * Docker image references (distribution/reference grammar): `[registry[:port]/]path[:tag][@digest]`,
 * path components lowercase.
 */
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?)`
const COMPONENT = '(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)'
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)

export interface ImageRef {
  name: string
  tag?: string
  digest?: string
}

export function parseImageRef(ref: string): ImageRef | null {
  if (ref.length > 255) return null
  const match = REFERENCE.exec(ref)
  if (!match) return null
  return { name: match[1]!, ...(match[2] ? { tag: match[2] } : {}), ...(match[3] ? { digest: match[3] } : {}) }
}
