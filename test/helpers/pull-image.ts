import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEPLOY_RUN_LABEL, dockerCli, IDLE_CMD, RUN_ID, run, TEST_IMAGE } from './docker'
import type { TestRegistry } from './registry'

export interface PushedImage {
  /** `127.0.0.1:<port>/zapie-test/pullme:<tag>` */
  image: string
  /** Size of the layer of random bytes (random bytes do not compress: about what a pull downloads). */
  layerBytes: number
  /** Removes the image from this host, so the next deploy has to pull it. */
  evict(): Promise<void>
  /** Whether the image (by id, so its own layer too) is on this host. */
  isLocal(): Promise<boolean>
}

/**
 * Builds a small image FROM the test busybox with one layer of random bytes, pushes it to
 * `registry` and removes it from this host again: a deploy of it must really pull.
 */
export async function pushTestImage(
  registry: TestRegistry,
  options: { tag?: string; layerMiB?: number } = {},
): Promise<PushedImage> {
  const tag = options.tag ?? RUN_ID
  const layerBytes = (options.layerMiB ?? 4) * 1024 * 1024
  const image = `${registry.host}/zapie-test/pullme:${tag}`
  const dir = await mkdtemp(join(tmpdir(), 'zapie-pullme-'))
  let id: string
  try {
    await writeFile(join(dir, 'blob'), randomBytes(layerBytes))
    await writeFile(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY blob /blob\n`)
    // The legacy builder: the engine here has no BuildKit client (buildx) and COPY runs no container.
    const { stdout } = await run('docker', ['build', '-q', '--label', `zapie.test=${RUN_ID}`, '-t', image, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    })
    id = stdout.trim().split('\n').at(-1)!
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  await dockerCli('push', image)
  const isLocal = () =>
    dockerCli('image', 'inspect', id).then(
      () => true,
      () => false,
    )
  const evict = async () => {
    await dockerCli('rmi', '-f', image).catch(() => {})
    await dockerCli('rmi', '-f', id).catch(() => {})
    if (await isLocal()) throw new Error(`image ${image} (${id}) is still on this host`)
  }
  await evict()
  return { image, layerBytes, evict, isLocal }
}

/** A template (POST /api/templates body) of an idle service of `image`, labelled with this run. */
export const pullTemplate = (name: string, image: string) => ({
  name,
  description: 'An image only the test registry has',
  category: 'other',
  image,
  networkMode: 'none',
  command: IDLE_CMD,
  volumes: [{ container: '/srv/data' }],
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '32m', cpus: 0.25 } },
})
