import { mkdtempSync, promises as fsp, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import memory from 'unstorage/drivers/memory'
import { atomicFsDriver, type AtomicFs } from '../../src/storage-fs-atomic'
import { describeStorageConformance } from '../helpers/storage-conformance'

const dir = mkdtempSync(join(tmpdir(), 'zapie-store-'))

/** fs calls whose file writes, while failing, put half the bytes down and then hit ENOSPC. */
function diskThatFills() {
  let failing = false
  const fs: AtomicFs = {
    ...fsp,
    open: (async (path: string, flags?: string, mode?: number) => {
      const handle = await fsp.open(path, flags, mode)
      if (!failing || flags !== 'wx') return handle
      return Object.assign(Object.create(handle), {
        writeFile: async (data: string | Uint8Array) => {
          await handle.writeFile(
            typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2),
          )
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' })
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      })
    }) as AtomicFs['open'],
  }
  return { fs, setFailing: (on: boolean) => void (failing = on) }
}

describeStorageConformance('memory', () => memory())
describeStorageConformance(
  'fs',
  () => atomicFsDriver({ base: dir }),
  async () => rmSync(dir, { recursive: true, force: true }),
  {
    failingWrites: () => {
      const disk = diskThatFills()
      return {
        driver: atomicFsDriver({ base: mkdtempSync(join(dir, 'full-')), fs: disk.fs }),
        setFailing: disk.setFailing,
      }
    },
  },
)
