import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupTestResources, createTestContainer, createTestVolume } from '../helpers/docker'
import { LISTENING, startTsEntry } from '../helpers/processes'

const root = mkdtempSync(join(tmpdir(), 'zapie-modes-'))
const previousUmask = process.umask(0o022)
afterAll(async () => {
  process.umask(previousUmask)
  rmSync(root, { recursive: true, force: true })
  await cleanupTestResources()
})

const modeOf = (path: string) => statSync(path).mode & 0o777

/** Every directory and file under `dir` as `<path> <octal mode>`, directories ending in `/`. */
function modesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map((entry) => {
    const path = join(entry.parentPath, entry.name)
    return `${path.slice(dir.length)}${entry.isDirectory() ? '/' : ''} ${modeOf(path).toString(8)}`
  })
}

describe('what npm start leaves on disk (umask 022, token from the environment)', () => {
  it('keeps the data and backup directories 0700 and every record and archive 0600', async () => {
    const token = 'modes-test-token-0123456789'
    const dataDir = join(root, 'data')
    // Outside the data directory, as an operator with a separate backup disk sets it.
    const backupDir = join(root, 'backups')
    // What an earlier version left: world-readable directories and a world-readable record.
    mkdirSync(join(dataDir, 'store', 'settings'), { recursive: true, mode: 0o755 })
    writeFileSync(join(dataDir, 'store', 'settings', 'old'), '{}', { mode: 0o644 })
    mkdirSync(backupDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)

    const volume = await createTestVolume()
    const service = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const app = startTsEntry('src/node.ts', {
      PORT: '0',
      ZAPIE_DATA_DIR: dataDir,
      ZAPIE_BACKUP_DIR: backupDir,
      ZAPIE_API_TOKEN: token,
    })
    try {
      const url = (await app.waitFor(LISTENING, 20_000))[1]!
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      expect((await fetch(`${url}/api/events/ticket`, { method: 'POST', headers })).status).toBe(201)
      const backup = await fetch(`${url}/api/services/${service.name}/backups?wait=true`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'modes' }),
      })
      expect(backup.status, await backup.clone().text()).toBe(201)

      expect(modeOf(dataDir).toString(8)).toBe('700')
      expect(modeOf(backupDir).toString(8)).toBe('700')
      const written = [...modesUnder(join(dataDir, 'store')), ...modesUnder(backupDir)]
      expect(written.some((p) => p.startsWith('/tickets/'))).toBe(true)
      expect(written.some((p) => / 600$/.test(p) && p.includes('.tar.gz'))).toBe(true)
      expect(written.filter((p) => !(p.endsWith('/ 700') || (!p.includes('/ ') && p.endsWith(' 600'))))).toEqual([])
      expect(modeOf(join(dataDir, 'store')).toString(8)).toBe('700')
    } finally {
      app.child.kill('SIGTERM')
      await app.exited
    }
  })
})
