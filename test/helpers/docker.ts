import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import { createDockerClient } from '../../src/agent/docker'

export const TEST_IMAGE = 'zapie-test/busybox:latest'

/**
 * Every container and volume a test run creates carries `zapie.test=<RUN_ID>`; engineers sharing
 * one engine tell their runs apart with ZAPIE_TEST_RUN_PREFIX (e.g. `archives-`).
 */
export const RUN_ID = `${process.env.ZAPIE_TEST_RUN_PREFIX ?? ''}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`

export const docker = createDockerClient(process.env.DOCKER_HOST)

export const run = promisify(execFile)

/** A long-running command that, unlike a bare `sleep` as PID 1, stops promptly on SIGTERM. */
export const IDLE_CMD = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']

/** The docker CLI, as a user at a terminal would use it. */
export async function dockerCli(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: process.env })
  return stdout.trim()
}

/** Runs a shell script against a volume (mounted at /data) in a throwaway, labelled container with no network. */
export function inVolume(volume: string, script: string): Promise<string> {
  return dockerCli(
    'run',
    '--rm',
    '--network',
    'none',
    '--label',
    `zapie.test=${RUN_ID}`,
    '-v',
    `${volume}:/data`,
    TEST_IMAGE,
    'sh',
    '-c',
    script,
  )
}

export function uniqueName(prefix: string): string {
  // 32 random bits: with 16, a suite that makes a few hundred containers under one prefix drew
  // the same name twice now and then (Docker: 409, name already in use).
  return `zt-${prefix}-${RUN_ID}-${randomBytes(4).toString('hex')}`
}

export interface TestContainerOptions {
  name?: string
  managed?: boolean
  cmd?: string[]
  tty?: boolean
  start?: boolean
  env?: string[]
  labels?: Record<string, string>
  volume?: { name: string; path: string }
  networkMode?: 'none' | 'host'
  hostConfig?: Docker.HostConfig
}

/** Creates (and by default starts) a labelled busybox container with no network. */
export async function createTestContainer(options: TestContainerOptions = {}) {
  const name = options.name ?? uniqueName('svc')
  const managed = options.managed ?? true
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Cmd: options.cmd ?? IDLE_CMD,
    Tty: options.tty ?? false,
    Env: options.env,
    Labels: {
      'zapie.test': RUN_ID,
      ...(managed ? { 'zapie.managed': 'true', 'zapie.id': name } : {}),
      ...options.labels,
    },
    HostConfig: {
      NetworkMode: options.networkMode ?? 'none',
      ...(options.volume ? { Binds: [`${options.volume.name}:${options.volume.path}`] } : {}),
      ...options.hostConfig,
    },
  })
  if (options.start ?? true) await container.start()
  const info = await container.inspect()
  return { name, id: info.Id, container }
}

export async function createTestVolume(name = uniqueName('vol')) {
  await docker.createVolume({ Name: name, Labels: { 'zapie.test': RUN_ID } })
  return name
}

export async function volumeExists(name: string): Promise<boolean> {
  return docker
    .getVolume(name)
    .inspect()
    .then(() => true)
    .catch(() => false)
}

/**
 * What the agent deploys carries only the labels it sets itself (`zapie.*` is reserved), so a
 * test marks its deploys through this template label instead of `zapie.test`.
 */
export const DEPLOY_RUN_LABEL = 'zapietest.run'

/** Removes everything this run labelled, deployed services included. */
export async function cleanupTestResources() {
  for (const label of [`zapie.test=${RUN_ID}`, `${DEPLOY_RUN_LABEL}=${RUN_ID}`]) {
    const filters = { label: [label] }
    const containers = await docker.listContainers({ all: true, filters })
    await Promise.all(
      containers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => {}),
      ),
    )
    const { Volumes } = await docker.listVolumes({ filters })
    await Promise.all(
      (Volumes ?? []).map((v) =>
        docker
          .getVolume(v.Name)
          .remove({ force: true })
          .catch(() => {}),
      ),
    )
  }
}
