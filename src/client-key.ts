/**
 * The key per-client limits count under. IPv4 addresses as they are (an IPv4-mapped IPv6 address
 * included); an IPv6 address by its /64, since one host commonly holds a whole /64 and could
 * otherwise take a fresh budget for every guess.
 */
export function clientKey(address: string | undefined): string | undefined {
  if (!address) return undefined
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1]
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : []
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
