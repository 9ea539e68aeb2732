import redisDriver from 'unstorage/drivers/redis'
import kvDriver from 'unstorage/drivers/cloudflare-kv-binding'
import { getPlatformProxy } from 'wrangler'
import { inject } from 'vitest'
import { describeStorageConformance } from '../helpers/storage-conformance'

const redisUrl = inject('redisUrl')

describeStorageConformance('redis', () => redisDriver({ url: redisUrl, base: `zapie-test-${process.pid}` }))

// Cloudflare KV through wrangler's local platform (miniflare), bound as in wrangler.toml.
let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ ZAPIE_KV: unknown }>>> | undefined
describeStorageConformance(
  'cloudflare KV (local)',
  async () => {
    proxy ??= await getPlatformProxy<{ ZAPIE_KV: unknown }>({ persist: false })
    return kvDriver({ binding: proxy.env.ZAPIE_KV as never })
  },
  async () => proxy?.dispose(),
)
