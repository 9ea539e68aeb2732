import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { TemplateListQuery } from '../../src/schemas/template'
import { searchTemplates } from '../../src/templates/search'
import { createNodeStores } from '../../src/node-stores'
import { isSafeId } from '../../storage/keys'
import { createFakeAgent } from '../helpers/fake-agent'

/**
 * `npm run bench templates`: searching a catalogue of ~280 templates (the defaults plus both
 * Portainer fixture files; v3 mostly repeats v2's names, which are skipped) through
 * `GET /api/templates` on the fs store, as `npm start` runs it. Ours reuses a snapshot while the catalogue's revision record is unchanged; the
 * baseline reads every record per request, which is what listing a one-record-per-template
 * store costs without it. Target: p50 ≤ 10 ms and at least 5× the baseline.
 */
const ROUNDS = 300
const TOKEN = 'bench-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'zapie-bench-templates-'))

try {
  const config = loadConfig({
    ZAPIE_API_TOKEN: TOKEN,
    ZAPIE_DATA_DIR: dir,
    ZAPIE_STORAGE: 'fs',
    LOG_LEVEL: 'silent',
    ZAPIE_RATE_LIMIT: '0',
  })
  const stores = await createNodeStores(config)
  const hub = createEventHub()
  const app = createApp(() => ({
    config,
    stores,
    agent: createFakeAgent(hub).agent,
    events: hub,
    clock: { now: () => Date.now() },
    logger: silentLogger,
  }))
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  for (const file of ['templates-v2.json', 'templates-v3.json']) {
    const body = readFileSync(new URL(`../fixtures/portainer-templates/${file}`, import.meta.url), 'utf8')
    const res = await app.request('/api/templates/import', { method: 'POST', headers, body })
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`)
  }
  const total = (await (await app.request('/api/templates?limit=1', { headers })).json()).total as number

  const query = '/api/templates?search=media&limit=50'
  const ours = await measure(async () => {
    const res = await app.request(query, { headers })
    if (res.status !== 200) throw new Error(String(res.status))
    await res.arrayBuffer()
  })

  // Baseline: the same search over every record read from storage on each request.
  const templatesStorage = {
    getKeys: () => stores.storage.getKeys('templates'),
    getItems: (keys: string[]) => stores.storage.getItems(keys),
  }
  const parsed = TemplateListQuery.parse({ search: 'media', limit: '50' })
  const baseline = await measure(async () => {
    const keys = (await templatesStorage.getKeys()).filter((k) => isSafeId(k.slice('templates:'.length)))
    const items = await templatesStorage.getItems(keys)
    const page = searchTemplates(
      items.map((i) => i.value as never),
      parsed,
    )
    JSON.stringify({ success: true, ...page })
  })

  const ratio = baseline.p50 / ours.p50
  console.log(`catalogue: ${total} templates on the fs store, ${ROUNDS} searches each`)
  console.log(`ours     (GET /api/templates, snapshot): p50 ${ours.p50.toFixed(2)} ms, p95 ${ours.p95.toFixed(2)} ms`)
  console.log(
    `baseline (read every record per search): p50 ${baseline.p50.toFixed(2)} ms, p95 ${baseline.p95.toFixed(2)} ms`,
  )
  console.log(
    `ratio: ${ratio.toFixed(1)}× (target ≥ 5×, p50 ≤ 10 ms): ${ratio >= 5 && ours.p50 <= 10 ? 'met' : 'NOT met'}`,
  )
  await stores.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}

async function measure(fn: () => Promise<void>) {
  for (let i = 0; i < 20; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! }
}
