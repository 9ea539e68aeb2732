import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { DEFAULT_TEMPLATES } from '../../storage/default-templates'
import { DEFAULT_POLICY, type TemplatePolicy } from '../../src/templates/policy'
import { splitCommand } from '../../src/templates/normalise'
import { validateTemplate } from '../../src/templates/validate'

const base = { name: 'Web', image: 'nginx:1.27' }
const check = (extra: Record<string, unknown>, policy: TemplatePolicy = DEFAULT_POLICY) =>
  validateTemplate({ ...base, ...extra }, policy)
const codes = (r: { errors: { code: string }[] }) => r.errors.map((e) => e.code)
const warningCodes = (r: { warnings: { code: string }[] }) => r.warnings.map((e) => e.code)

/** Each rule: an input that breaks it (with the path and code the user sees) and one that passes. */
const RULES: {
  rule: string
  bad: Record<string, unknown>
  path: string
  code: string
  good: Record<string, unknown>
}[] = [
  { rule: 'name is required', bad: { name: '' }, path: 'name', code: 'too_small', good: { name: 'x' } },
  {
    rule: 'name needs a letter or digit',
    bad: { name: '!!!' },
    path: 'name',
    code: 'invalid_name',
    good: { name: 'n8n' },
  },
  { rule: 'image is required', bad: { image: '' }, path: 'image', code: 'too_small', good: { image: 'redis:7' } },
  {
    rule: 'image must be a reference',
    bad: { image: 'Nginx Latest' },
    path: 'image',
    code: 'invalid_image',
    good: { image: `ghcr.io/owner/app:1.2@sha256:${'a'.repeat(64)}` },
  },
  {
    rule: 'category is one of ours',
    bad: { category: 'games' },
    path: 'category',
    code: 'invalid_value',
    good: { category: 'messaging' },
  },
  {
    rule: 'logo is an http(s) URL',
    bad: { logo: 'javascript:alert(1)' },
    path: 'logo',
    code: 'invalid_url',
    good: { logo: 'https://x.test/a.png' },
  },
  {
    rule: 'ports are in range',
    bad: { ports: [{ container: 70000 }] },
    path: 'ports.0.container',
    code: 'too_big',
    good: { ports: [{ container: 80 }] },
  },
  {
    rule: 'port strings parse',
    bad: { ports: ['80:http'] },
    path: 'ports.0',
    code: 'invalid_port',
    good: { ports: ['8080:80/tcp', '53/udp', 443] },
  },
  {
    rule: 'a container port is listed once',
    bad: { ports: ['80/tcp', '8080:80/tcp'] },
    path: 'ports.1',
    code: 'duplicate_port',
    good: { ports: ['80/tcp', '80/udp'] },
  },
  {
    rule: 'a host port is used once',
    bad: { ports: ['8080:80', '8080:81'] },
    path: 'ports.1.host',
    code: 'duplicate_host_port',
    good: { ports: ['8080:80', '8081:81'] },
  },
  {
    rule: 'env names are names',
    bad: { env: [{ name: 'VENDOR ID' }] },
    path: 'env.0.name',
    code: 'invalid_format',
    good: { env: [{ name: 'VENDOR_ID' }] },
  },
  {
    rule: 'env names are unique',
    bad: { env: ['A=1', 'A=2'] },
    path: 'env.1.name',
    code: 'duplicate_env',
    good: { env: ['A=1', 'B=2'] },
  },
  {
    rule: 'secrets have no default',
    bad: { env: [{ name: 'DB_PASSWORD', secret: true, default: 'changeme' }] },
    path: 'env.0.default',
    code: 'secret_default',
    good: { env: [{ name: 'DB_PASSWORD', secret: true, generate: 'password' }] },
  },
  {
    rule: 'generate and default exclude each other',
    bad: { env: [{ name: 'ID', generate: 'uuid', default: 'x' }] },
    path: 'env.0.default',
    code: 'default_with_generate',
    good: { env: [{ name: 'ID', generate: 'uuid' }] },
  },
  {
    rule: 'generate is a known generator',
    bad: { env: [{ name: 'K', generate: 'words' }] },
    path: 'env.0.generate',
    code: 'invalid_value',
    good: { env: [{ name: 'K', generate: 'hex32' }] },
  },
  {
    rule: 'a default is one of the options',
    bad: { env: [{ name: 'LEVEL', options: ['info', 'debug'], default: 'loud' }] },
    path: 'env.0.default',
    code: 'default_not_an_option',
    good: { env: [{ name: 'LEVEL', options: ['info', 'debug'], default: 'info' }] },
  },
  {
    rule: 'volume paths are absolute',
    bad: { volumes: [{ container: 'C:/temp/' }] },
    path: 'volumes.0.container',
    code: 'invalid_format',
    good: { volumes: [{ container: '/data' }] },
  },
  {
    rule: 'the container root is not a volume',
    bad: { volumes: [{ container: '/data/..' }] },
    path: 'volumes.0.container',
    code: 'invalid_path',
    good: { volumes: [{ container: '/data/../srv' }] },
  },
  {
    rule: 'a path is mounted once',
    bad: { volumes: ['/data', 'other:/data/'] },
    path: 'volumes.1.container',
    code: 'duplicate_volume',
    good: { volumes: ['/data', 'other:/data2'] },
  },
  {
    rule: 'volume strings parse',
    bad: { volumes: ['data'] },
    path: 'volumes.0',
    code: 'invalid_volume',
    good: { volumes: ['data:/data'] },
  },
  {
    rule: 'host bind mounts need the allow-list',
    bad: { volumes: [{ container: '/data', bind: '/srv/app' }] },
    path: 'volumes.0.bind',
    code: 'bind_not_allowed',
    good: { volumes: [{ container: '/data', name: 'app' }] },
  },
  {
    rule: 'the Docker socket is never mounted',
    bad: { volumes: ['/var/run/docker.sock:/var/run/docker.sock'] },
    path: 'volumes.0.bind',
    code: 'docker_socket',
    good: { volumes: ['/data'] },
  },
  {
    rule: 'the host root is never mounted',
    bad: { volumes: ['/:/host:ro'] },
    path: 'volumes.0.bind',
    code: 'host_root',
    good: { volumes: ['/host'] },
  },
  {
    rule: 'privileged is refused',
    bad: { privileged: true },
    path: 'privileged',
    code: 'privileged',
    good: { privileged: false },
  },
  {
    rule: 'host networking is refused',
    bad: { networkMode: 'host' },
    path: 'networkMode',
    code: 'host_network',
    good: { networkMode: 'none' },
  },
  {
    rule: 'only bridge, none or host are network modes',
    bad: { networkMode: 'container:db' },
    path: 'networkMode',
    code: 'invalid_value',
    good: { networkMode: 'bridge' },
  },
  {
    rule: 'capabilities are not added',
    bad: { capAdd: ['NET_ADMIN'] },
    path: 'capAdd',
    code: 'cap_add',
    good: { capAdd: [] },
  },
  {
    rule: 'devices are not passed',
    bad: { devices: ['/dev/ttyUSB0'] },
    path: 'devices',
    code: 'devices',
    good: { devices: [] },
  },
  {
    rule: 'labels are not zapie.*',
    bad: { labels: { 'zapie.managed': 'false' } },
    path: 'labels.zapie.managed',
    code: 'reserved_label',
    good: { labels: { 'traefik.enable': 'true' } },
  },
  {
    rule: 'tier memory is a size',
    bad: { tiers: { basic: { memory: 'lots', cpus: 1 } } },
    path: 'tiers.basic.memory',
    code: 'invalid_format',
    good: { tiers: { basic: { memory: '256m', cpus: '0.25' } } },
  },
  {
    rule: 'tier memory is at least 6m',
    bad: { tiers: { pro: { memory: '1m', cpus: 1 } } },
    path: 'tiers.pro.memory',
    code: 'invalid_memory',
    good: { tiers: { pro: { memory: '4g', cpus: 4 } } },
  },
  {
    rule: 'healthchecks start with CMD or CMD-SHELL',
    bad: { healthcheck: { test: ['curl', 'x'] } },
    path: 'healthcheck.test',
    code: 'custom',
    good: { healthcheck: { test: 'curl -f http://localhost/' } },
  },
  {
    rule: 'healthcheck durations are durations',
    bad: { healthcheck: { test: ['CMD', 'true'], interval: '30' } },
    path: 'healthcheck.interval',
    code: 'invalid_format',
    good: { healthcheck: { test: ['CMD', 'true'], interval: '30s' } },
  },
  {
    rule: 'restart policies are Docker’s',
    bad: { restartPolicy: 'sometimes' },
    path: 'restartPolicy',
    code: 'invalid_value',
    good: { restartPolicy: 'on-failure' },
  },
  {
    rule: 'requirements are sane',
    bad: { requirements: { minMemory: 16 } },
    path: 'requirements.minMemory',
    code: 'too_small',
    good: { requirements: { minMemory: 512, minCpu: 0.5, minDisk: 2 } },
  },
  {
    rule: 'commands have closed quotes',
    bad: { command: "sh -c 'echo" },
    path: 'command',
    code: 'invalid_command',
    good: { command: "sh -c 'echo hi'" },
  },
]

describe('the template validator', () => {
  it.each(RULES)('$rule', ({ bad, path, code, good }) => {
    const failing = check(bad)
    expect(failing.isValid).toBe(false)
    expect(failing.errors).toContainEqual(expect.objectContaining({ path, code, message: expect.any(String) }))
    expect(failing.data).toBeUndefined()
    const passing = check(good)
    expect(passing.errors).toEqual([])
    expect(passing.isValid).toBe(true)
  })

  it('allows a host bind mount under an allow-listed directory only, segment by segment', () => {
    const policy = { bindMountAllowlist: ['/srv/data'] }
    expect(check({ volumes: ['/srv/data/app:/data'] }, policy).isValid).toBe(true)
    expect(check({ volumes: ['/srv/data/../etc:/data'] }, policy).errors[0]).toMatchObject({ code: 'bind_not_allowed' })
    expect(check({ volumes: ['/srv/data2:/data'] }, policy).errors[0]).toMatchObject({ code: 'bind_not_allowed' })
    // Not even an allow-listed directory makes the socket or its directory mountable.
    expect(codes(check({ volumes: ['/var/run:/run'] }, { bindMountAllowlist: ['/var/run'] }))).toEqual(['host_root'])
    expect(codes(check({ volumes: ['/run/user/1000/docker.sock:/s'] }, { bindMountAllowlist: ['/run/user'] }))).toEqual(
      ['docker_socket'],
    )
  })

  it('reports every problem at once, each with its path', () => {
    const result = validateTemplate(
      { image: 'Bad Image', privileged: true, ports: ['x'], env: [{ name: '1X' }] },
      DEFAULT_POLICY,
    )
    expect(result.errors.map((e) => e.path).sort()).toEqual(['env.0.name', 'image', 'name', 'ports.0', 'privileged'])
  })

  it('drops a tier other than basic, plus and pro with a warning', () => {
    const result = check({ tiers: { mega: { memory: '1g', cpus: 1 }, plus: { memory: '1536m', cpus: 1.5 } } })
    expect(result.warnings).toContainEqual(expect.objectContaining({ path: 'tiers.mega', code: 'unknown_field' }))
    expect(result.data!.tiers).toEqual({
      basic: { memory: '512m', cpus: 0.5 },
      plus: { memory: '1536m', cpus: 1.5 },
      pro: { memory: '2g', cpus: 2 },
    })
  })

  it('warns about an image without a tag and accepts it', () => {
    const result = check({ image: 'n8nio/n8n' })
    expect(result.isValid).toBe(true)
    expect(result.warnings).toContainEqual(expect.objectContaining({ path: 'image', code: 'untagged_image' }))
    expect(warningCodes(check({ image: 'n8nio/n8n:1.80.0' }))).not.toContain('untagged_image')
  })

  it('drops unknown fields, at any depth, and says so', () => {
    const result = check({ colour: 'blue', ports: [{ container: 80, nat: true }], id: 'mine', createdAt: 'yesterday' })
    expect(result.isValid).toBe(true)
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'colour', code: 'unknown_field' }),
        expect.objectContaining({ path: 'ports.0.nat', code: 'unknown_field' }),
        expect.objectContaining({ path: 'id', code: 'ignored_field' }),
        expect.objectContaining({ path: 'createdAt', code: 'ignored_field' }),
      ]),
    )
    expect(result.data).not.toHaveProperty('colour')
    expect(result.data).not.toHaveProperty('id')
    expect(result.data!.ports[0]).toEqual({ container: 80, protocol: 'tcp', description: '' })
  })

  it('expands shorthands into the canonical form, defaults filled', () => {
    const result = check(
      {
        ports: ['8080:80/tcp', '53/udp'],
        env: ['TZ=Asia/Jakarta', { name: 'PORT', default: 5678 }],
        volumes: ['/data', 'cache:/cache', '/srv/x:/x:ro'],
        command: `server --console-address ':9090' "/my data"`,
        dockerImage: 'ignored-because-image-is-given',
      },
      { bindMountAllowlist: ['/srv'] },
    )
    expect(result.errors).toEqual([])
    expect(result.data).toMatchObject({
      ports: [
        { container: 80, host: 8080, protocol: 'tcp' },
        { container: 53, protocol: 'udp' },
      ],
      env: [
        { name: 'TZ', default: 'Asia/Jakarta', required: false, secret: false },
        { name: 'PORT', default: '5678' },
      ],
      volumes: [
        { container: '/data', readOnly: false },
        { container: '/cache', name: 'cache' },
        { container: '/x', bind: '/srv/x', readOnly: true },
      ],
      command: ['server', '--console-address', ':9090', '/my data'],
      category: 'other',
      restartPolicy: 'unless-stopped',
      networkMode: 'bridge',
      tiers: { basic: { memory: '512m', cpus: 0.5 }, plus: { memory: '1g', cpus: 1 }, pro: { memory: '2g', cpus: 2 } },
      isPublic: true,
      isFavorite: false,
    })
  })

  it("reads the original system's field names", () => {
    const result = validateTemplate(
      { name: 'PG', dockerImage: 'postgres:14', environment: ['POSTGRES_DB=mydb'], category: 'database' },
      DEFAULT_POLICY,
    )
    expect(result.data).toMatchObject({ image: 'postgres:14', env: [{ name: 'POSTGRES_DB', default: 'mydb' }] })
    expect(warningCodes(result)).toContain('renamed_field')
  })

  it('warns when a variable looks secret but is not marked so', () => {
    expect(warningCodes(check({ env: ['API_TOKEN='] }))).toContain('looks_secret')
    expect(warningCodes(check({ env: [{ name: 'API_TOKEN', secret: true }] }))).not.toContain('looks_secret')
  })

  it('refuses what is not an object', () => {
    for (const input of [null, [], 'x', 3]) {
      expect(validateTemplate(input, DEFAULT_POLICY)).toMatchObject({
        isValid: false,
        errors: [{ path: '', code: 'invalid_type' }],
      })
    }
  })

  it('accepts every default template, with no default password', () => {
    for (const def of DEFAULT_TEMPLATES) {
      const result = validateTemplate(def.template, DEFAULT_POLICY)
      expect(result.errors, def.key).toEqual([])
      for (const env of result.data!.env) if (env.secret) expect(env.default, `${def.key} ${env.name}`).toBeUndefined()
    }
  })
})

describe('splitCommand', () => {
  it('splits like a shell, without expanding', () => {
    expect(splitCommand(`a 'b c' "d \\"e\\"" f\\ g $HOME`)).toEqual(['a', 'b c', 'd "e"', 'f g', '$HOME'])
    expect(splitCommand(`''`)).toEqual([''])
    expect(splitCommand(`"open`)).toBeNull()
  })
})

describe('ZAPIE_BIND_MOUNT_ALLOWLIST', () => {
  it('is empty by default, normalised when set, and refuses what could never be allowed', () => {
    expect(loadConfig({}).bindMountAllowlist).toEqual([])
    expect(loadConfig({ ZAPIE_BIND_MOUNT_ALLOWLIST: '/srv/zapie/, /data//apps/./x' }).bindMountAllowlist).toEqual([
      '/srv/zapie',
      '/data/apps/x',
    ])
    for (const bad of ['/', 'relative/dir', '/var/run', '/run', '/var/run/docker.sock', '/srv,/']) {
      expect(() => loadConfig({ ZAPIE_BIND_MOUNT_ALLOWLIST: bad }), bad).toThrow(/ZAPIE_BIND_MOUNT_ALLOWLIST/)
    }
  })
})
