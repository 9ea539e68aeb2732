/**
 * Stands in, in the Workers bundle only (wrangler.toml [alias]), for the Node-only storage
 * drivers: a Worker gets its driver (KV) handed to createStores and never loads these.
 */
export default function unavailableOnWorkers(): never {
  throw new Error('This storage driver is not available on Cloudflare Workers; bind a KV namespace as ZAPIE_KV')
}
