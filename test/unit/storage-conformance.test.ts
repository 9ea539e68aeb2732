import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fsLite from 'unstorage/drivers/fs-lite'
import memory from 'unstorage/drivers/memory'
import { describeStorageConformance } from '../helpers/storage-conformance'

const dir = mkdtempSync(join(tmpdir(), 'zapie-store-'))

describeStorageConformance('memory', () => memory())
describeStorageConformance('fs', () => fsLite({ base: dir }), async () => rmSync(dir, { recursive: true, force: true }))
