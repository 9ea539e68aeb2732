import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { GZIP_LEVEL } from '../../src/agent/backup/archive-writer'
import { createDockerClient } from '../../src/agent/docker'
import { startHostAgent } from '../../src/agent/host'
import { loadConfig } from '../../src/config'
import { silentLogger } from '../../src/logger'
import { createStores } from '../../storage'

/**
 * `npm run bench backup`: back up and restore a volume of 256 MiB and 1 GiB (half random
 * bytes, half text) through the agent, against host `tar | gzip -<same level>` and `tar -xzf`
 * on the volume's mountpoint, measured in the same run; plus our peak RSS rise.
 * Targets: backup ≥ 0.9× the baseline's throughput, restore ≥ 0.8×, RSS rise ≤ 100 MB.
 * The baseline reads the host path (the volume's Mountpoint); our code never does.
 * BENCH_SIZES_MIB=64,256 overrides the sizes (for a quick run).
 */
const MIB = 1024 * 1024
const SIZES = (process.env.BENCH_SIZES_MIB ?? '256,1024').split(',').map((s) => Number(s) * MIB)
const LABEL = `zapie.test=bench-backup-${Date.now().toString(36)}`
const IMAGE = 'zapie-test/busybox:latest'
const run = promisify(execFile)
const docker = createDockerClient(process.env.DOCKER_HOST)
const sh = async (script: string) => (await run('sh', ['-c', script], { maxBuffer: 64 * MIB })).stdout.trim()
const dockerCli = async (...args: string[]) => (await run('docker', args, { maxBuffer: 64 * MIB })).stdout.trim()

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { seconds: (performance.now() - start) / 1000, value }
}

/** Runs `fn` while sampling RSS every 20 ms; the rise is measured from a fresh GC. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; riseMb: number }> {
  ;(globalThis as { gc?: () => void }).gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  try {
    const value = await fn()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { value, riseMb: (peak - base) / 1e6 }
  } finally {
    clearInterval(timer)
  }
}

/** Half random bytes, half text (hex dump lines), in 64 MiB files. */
async function fillVolume(volume: string, bytes: number) {
  const files = Math.max(1, Math.round(bytes / (64 * MIB) / 2))
  const per = Math.floor(bytes / 2 / files)
  const script = [
    `i=0; while [ $i -lt ${files} ]; do dd if=/dev/urandom of=/data/random-$i.bin bs=1M count=${per / MIB} 2>/dev/null; i=$((i+1)); done`,
    `i=0; while [ $i -lt ${files} ]; do od -An -tx2 -w32 -v /dev/urandom | head -c ${per} > /data/text-$i.log; i=$((i+1)); done`,
  ].join(' && ')
  await dockerCli(
    'run',
    '--rm',
    '--network',
    'none',
    '--label',
    LABEL,
    '-v',
    `${volume}:/data`,
    IMAGE,
    'sh',
    '-c',
    script,
  )
}

const fmt = (n: number, digits = 1) => n.toFixed(digits)

async function benchSize(bytes: number, workDir: string) {
  const volume = `zt-bkbench-${randomBytes(3).toString('hex')}`
  await docker.createVolume({ Name: volume, Labels: { [LABEL.split('=')[0]!]: LABEL.split('=')[1]! } })
  await fillVolume(volume, bytes)
  const mountpoint = (await docker.getVolume(volume).inspect()).Mountpoint
  const total = Number((await sh(`du -sb ${mountpoint} | cut -f1`)).split(/\s/)[0])
  const name = `zt-bkbench-svc-${randomBytes(3).toString('hex')}`
  const container = await docker.createContainer({
    name,
    Image: IMAGE,
    Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
    Labels: { 'zapie.managed': 'true', 'zapie.id': name, [LABEL.split('=')[0]!]: LABEL.split('=')[1]! },
    HostConfig: { NetworkMode: 'none', Binds: [`${volume}:/data`] },
  })
  await container.start()

  const dataDir = join(workDir, `agent-${volume}`)
  const config = loadConfig({ ZAPIE_STORAGE: 'memory', LOG_LEVEL: 'silent', ZAPIE_DATA_DIR: dataDir })
  // No settle wait: the bench measures moving data, not the 2 s "does it stay up" check.
  const host = startHostAgent({
    config,
    stores: await createStores(config),
    docker,
    logger: silentLogger,
    backups: { restoreSettleMs: 0 },
  })
  await host.ready

  const baseArchive = join(workDir, 'baseline.tar.gz')
  const baseBackup = await timed(() =>
    sh(`set -e; tar -C ${mountpoint} -cf - . | gzip -${GZIP_LEVEL} > ${baseArchive}`),
  )
  const baseSize = Number(await sh(`stat -c %s ${baseArchive}`))
  const ours = await withPeakRss(() =>
    timed(() => host.client.createBackup(name, { name: 'bench', consistency: 'pause', wait: true })),
  )
  const job = ours.value.value
  if (job.status !== 'completed') throw new Error('backup did not complete')

  const extractDir = join(workDir, 'extract')
  rmSync(extractDir, { recursive: true, force: true })
  mkdirSync(extractDir)
  const baseRestore = await timed(() => sh(`tar -xzf ${baseArchive} -C ${extractDir}`))
  rmSync(extractDir, { recursive: true, force: true })
  const restore = await withPeakRss(() => timed(() => host.client.restoreBackup(name, job.backupId)))

  await host.close()
  const mb = total / 1e6
  const row = {
    size: `${Math.round(bytes / MIB)} MiB`,
    backup: {
      ours: `${fmt(ours.value.seconds)} s, ${fmt(mb / ours.value.seconds)} MB/s, archive ${fmt(job.backup.size / 1e6)} MB`,
      baseline: `${fmt(baseBackup.seconds)} s, ${fmt(mb / baseBackup.seconds)} MB/s, archive ${fmt(baseSize / 1e6)} MB`,
      ratio: baseBackup.seconds / ours.value.seconds,
      rssRiseMb: ours.riseMb,
    },
    restore: {
      ours: `${fmt(restore.value.seconds)} s, ${fmt(mb / restore.value.seconds)} MB/s`,
      baseline: `${fmt(baseRestore.seconds)} s, ${fmt(mb / baseRestore.seconds)} MB/s`,
      ratio: baseRestore.seconds / restore.value.seconds,
      rssRiseMb: restore.riseMb,
    },
  }
  rmSync(baseArchive, { force: true })
  rmSync(dataDir, { recursive: true, force: true })
  return row
}

async function cleanup() {
  const filters = { label: [LABEL] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => {})
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove({ force: true })
      .catch(() => {})
}

/**
 * Each size runs in a process of its own (this file again, with BENCH_ONE_SIZE), so the RSS
 * rise of one run is never hidden by memory an earlier run left the process holding.
 */
if (!process.env.BENCH_ONE_SIZE) {
  console.log(
    `gzip level ${GZIP_LEVEL}; sizes ${SIZES.map((s) => `${s / MIB} MiB`).join(', ')}; data: half random bytes, half text`,
  )
  let failures = 0
  for (const size of SIZES) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ONE_SIZE: String(size) },
    })
    if (child.status !== 0) failures++
  }
  process.exit(failures ? 1 : 0)
}

const workDir = mkdtempSync(join(tmpdir(), 'zapie-bench-backup-'))
let failed = false
try {
  for (const size of [Number(process.env.BENCH_ONE_SIZE)]) {
    const row = await benchSize(size, workDir)
    const ok = (cond: boolean) => (cond ? 'ok' : 'MISSED')
    console.log(`\n${row.size}`)
    console.log(
      `  backup   ours ${row.backup.ours} | baseline tar|gzip -${GZIP_LEVEL} ${row.backup.baseline} | ratio ${fmt(row.backup.ratio, 2)}× (target ≥ 0.9: ${ok(row.backup.ratio >= 0.9)}) | peak RSS rise ${fmt(row.backup.rssRiseMb)} MB (≤ 100: ${ok(row.backup.rssRiseMb <= 100)})`,
    )
    console.log(
      `  restore  ours ${row.restore.ours} | baseline tar -xzf ${row.restore.baseline} | ratio ${fmt(row.restore.ratio, 2)}× (target ≥ 0.8: ${ok(row.restore.ratio >= 0.8)}) | peak RSS rise ${fmt(row.restore.rssRiseMb)} MB (≤ 100: ${ok(row.restore.rssRiseMb <= 100)})`,
    )
  }
} catch (err) {
  failed = true
  console.error(err)
} finally {
  await cleanup()
  rmSync(workDir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
