import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { createDockerClient } from '../../src/agent/docker'
import { ensureRedis } from '../helpers/redis-server'

const IMAGE = 'zapie-test/busybox:latest'

/**
 * The integration suite needs a real engine and the test image. No engine is a failure with
 * instructions, never a silent skip. The image is pulled where a registry answers, else built
 * from the host's static busybox, exactly as scripts/start-engine.sh does.
 */
export default async function setup(project: TestProject) {
  const docker = createDockerClient(process.env.DOCKER_HOST)
  try {
    await docker.ping()
  } catch (err) {
    throw new Error(
      `No Docker Engine is reachable at ${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'} (${(err as Error).message}).\n` +
        'The integration tests run against a real engine. Start one with scripts/start-engine.sh (as root; Debian/Ubuntu: apt-get install docker.io) ' +
        '(or `sudo systemctl start docker`), or point DOCKER_HOST at one, then run npm test again.',
    )
  }
  if (
    !(await docker
      .getImage(IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      )) &&
    !(await pullBusybox(docker))
  ) {
    importHostBusybox()
  }
  // The redis driver's conformance and the split mode need a Redis; later setups read the env.
  const redis = await ensureRedis(docker, `setup-${process.pid}`)
  process.env.ZAPIE_TEST_REDIS_URL = redis.url
  project.provide('redisUrl', redis.url)
  return redis.stop
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

async function pullBusybox(docker: ReturnType<typeof createDockerClient>): Promise<boolean> {
  try {
    const stream = await docker.pull('busybox:latest')
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(null))),
    )
    await docker.getImage('busybox:latest').tag({ repo: 'zapie-test/busybox', tag: 'latest' })
    return true
  } catch {
    return false
  }
}

function importHostBusybox() {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(existsSync)
  if (!busybox) {
    throw new Error(
      `${IMAGE} is missing, no registry answered, and no static busybox is installed (apt-get install busybox-static).`,
    )
  }
  const root = mkdtempSync(join(tmpdir(), 'zapie-busybox-'))
  try {
    for (const dir of ['bin', 'tmp', 'data', 'www', 'etc']) mkdirSync(join(root, dir))
    copyFileSync(busybox, join(root, 'bin/busybox'))
    for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet))
    }
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    writeFileSync(join(root, 'www/index.html'), 'ok\n')
    execFileSync('docker', ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["sh"]', '-', IMAGE], {
      input: execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 }),
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
