import { describe, expect, it } from 'vitest'
import { DEFAULT_TEMPLATES } from '../../storage/default-templates'
import { fillPlaceholders, toCreateOptions } from '../../src/agent/deploy/create-options'
import { buildDeploySpec, sanitiseServiceName, type DeployRequest } from '../../src/deploy/build'
import { toDeployService } from '../../src/deploy/catalogue'
import { generateSecret } from '../../src/deploy/secrets'
import { DeploySpecSchema } from '../../src/deploy/spec'
import type { Template } from '../../src/schemas/template'
import { DEFAULT_POLICY } from '../../src/templates/policy'
import { newTemplate } from '../../src/templates/record'
import { validateTemplate } from '../../src/templates/validate'

const NOW = new Date('2026-01-02T03:04:05Z')

function template(input: Record<string, unknown>, id = 't-1'): Template {
  const validation = validateTemplate(input, { bindMountAllowlist: ['/srv'] })
  if (!validation.data) throw new Error(JSON.stringify(validation.errors))
  return newTemplate(validation.data, { id, now: NOW, createdBy: 'user' })
}
const defaultTemplate = (key: string) =>
  template(DEFAULT_TEMPLATES.find((d) => d.key === key)!.template, `default-${key}`)
const build = (t: Template, request: Partial<DeployRequest> = {}) =>
  buildDeploySpec(t, { serviceName: 'my-db', tier: 'basic', values: {}, ...request }, { now: NOW, suffix: '1a2b3c4d' })

describe('buildDeploySpec', () => {
  it('names, labels and limits a PostgreSQL deploy as ARCHITECTURE §3 and the original did', () => {
    const built = build(defaultTemplate('postgresql'), { serviceName: 'My DB!', tier: 'plus' })
    if (!built.ok) throw new Error('not built')
    const { spec, generatedSecrets } = built
    expect(DeploySpecSchema.parse(spec)).toEqual(spec)
    expect(spec).toMatchObject({
      containerName: 'zapie-postgresql-my-db-1a2b3c4d',
      serviceName: 'my-db',
      serviceType: 'postgresql',
      tier: 'plus',
      image: 'postgres:16',
      memoryBytes: 1024 ** 3,
      nanoCpus: 1e9,
      restartPolicy: 'unless-stopped',
      networkMode: 'bridge',
      ports: [{ container: 5432, protocol: 'tcp', preferredHost: 5432 }],
      volumes: [
        {
          type: 'volume',
          name: 'zapie-postgresql-my-db-1a2b3c4d_data',
          target: '/var/lib/postgresql/data',
          readOnly: false,
        },
      ],
      secretNames: ['POSTGRES_PASSWORD'],
      healthcheck: {
        test: ['CMD-SHELL', expect.stringContaining('pg_isready')],
        intervalNs: 10e9,
        timeoutNs: 5e9,
        retries: 5,
        startPeriodNs: 30e9,
      },
    })
    expect(spec.labels).toEqual({
      'zapie.managed': 'true',
      'zapie.id': 'zapie-postgresql-my-db-1a2b3c4d',
      'zapie.service': 'postgresql',
      'zapie.template': 'plus',
      'zapie.template-id': 'default-postgresql',
      'zapie.volume': 'zapie-postgresql-my-db-1a2b3c4d_data',
      'zapie.created': '2026-01-02T03:04:05.000Z',
      'zapie.secrets': 'POSTGRES_PASSWORD',
    })
    expect(generatedSecrets.POSTGRES_PASSWORD).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(spec.env).toEqual([
      { name: 'POSTGRES_USER', value: 'postgres' },
      { name: 'POSTGRES_PASSWORD', value: generatedSecrets.POSTGRES_PASSWORD },
      { name: 'POSTGRES_DB', value: 'postgres' },
    ])
  })

  it('generates a fresh secret for every deploy and returns only generated ones', () => {
    const pg = defaultTemplate('postgresql')
    const a = build(pg)
    const b = build(pg)
    if (!a.ok || !b.ok) throw new Error('not built')
    expect(a.generatedSecrets.POSTGRES_PASSWORD).not.toBe(b.generatedSecrets.POSTGRES_PASSWORD)
    const mine = build(pg, { values: { POSTGRES_PASSWORD: 'chosen-by-me', POSTGRES_USER: 'admin' } })
    if (!mine.ok) throw new Error('not built')
    expect(mine.generatedSecrets).toEqual({})
    expect(mine.spec.env).toContainEqual({ name: 'POSTGRES_PASSWORD', value: 'chosen-by-me' })
    expect(mine.spec.env).toContainEqual({ name: 'POSTGRES_USER', value: 'admin' })
    expect(mine.spec.secretNames).toEqual(['POSTGRES_PASSWORD'])
  })

  it('makes the kinds of secret ActivePieces and others need', () => {
    expect(generateSecret('hex32')).toMatch(/^[0-9a-f]{32}$/)
    expect(generateSecret('uuid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const built = build(defaultTemplate('activepieces'))
    if (!built.ok) throw new Error('not built')
    expect(built.generatedSecrets.AP_ENCRYPTION_KEY).toMatch(/^[0-9a-f]{32}$/)
    expect(built.spec.ports).toEqual([{ container: 80, protocol: 'tcp', preferredHost: 8080 }])
    expect(built.spec.volumes[0]).toMatchObject({ target: '/root/.activepieces' })
  })

  it('asks for a host port 8000 higher for a container port below 1024 without a host port', () => {
    const built = build(template({ name: 'Web', image: 'nginx:1', ports: ['80', '8443:443'] }))
    if (!built.ok) throw new Error('not built')
    expect(built.spec.ports.map((p) => p.preferredHost)).toEqual([8080, 8443])
  })

  it('gives each template volume its own named volume, and keeps allowed bind mounts', () => {
    const built = build(
      template({ name: 'Multi', image: 'a:1', volumes: ['/a', 'cache:/cache', '/b', '/srv/x:/x:ro'] }),
    )
    if (!built.ok) throw new Error('not built')
    expect(built.spec.volumes).toEqual([
      { type: 'volume', name: 'zapie-multi-my-db-1a2b3c4d_data', target: '/a', readOnly: false },
      { type: 'volume', name: 'zapie-multi-my-db-1a2b3c4d_cache', target: '/cache', readOnly: false },
      { type: 'volume', name: 'zapie-multi-my-db-1a2b3c4d_data2', target: '/b', readOnly: false },
      { type: 'bind', source: '/srv/x', target: '/x', readOnly: true },
    ])
  })

  it('refuses unknown variables, missing required values and values outside the options', () => {
    const t = template({
      name: 'App',
      image: 'a:1',
      env: [
        { name: 'LICENSE', required: true },
        { name: 'LEVEL', options: ['info', 'debug'], default: 'info' },
      ],
    })
    const built = build(t, { values: { LEVEL: 'loud', LD_PRELOAD: '/evil.so' } })
    expect(built.ok).toBe(false)
    if (built.ok) return
    expect(built.issues.map((i) => `${i.path}:${i.code}`).sort()).toEqual([
      'env.LD_PRELOAD:unknown_variable',
      'env.LEVEL:not_an_option',
      'env.LICENSE:required',
    ])
    expect(build(t, { values: { LICENSE: 'abc' } }).ok).toBe(true)
  })

  it('sanitises the service name as the original did, and refuses one with nothing left', () => {
    expect(sanitiseServiceName('My Flows!')).toBe('my-flows')
    expect(sanitiseServiceName('--a__b--')).toBe('a-b')
    const built = build(defaultTemplate('redis'), { serviceName: '!!!' })
    expect(built).toMatchObject({ ok: false, issues: [{ path: 'serviceName', code: 'invalid_name' }] })
  })
})

describe('the agent’s create request', () => {
  it('fills host port placeholders and spells out limits, mounts, ports and labels', () => {
    const built = build(defaultTemplate('n8n'), { tier: 'pro' })
    if (!built.ok) throw new Error('not built')
    const options = toCreateOptions(built.spec, [{ container: 5678, protocol: 'tcp', host: 5680 }])
    expect(options.Env).toContain('WEBHOOK_URL=http://localhost:5680/')
    expect(options.Labels).toMatchObject({
      'zapie.port': '5680',
      'zapie.managed': 'true',
      'zapie.id': built.spec.containerName,
      'zapie.template': 'pro',
    })
    expect(options.ExposedPorts).toEqual({ '5678/tcp': {} })
    expect(options.HostConfig).toMatchObject({
      PortBindings: { '5678/tcp': [{ HostPort: '5680' }] },
      Mounts: [
        { Type: 'volume', Source: `${built.spec.containerName}_data`, Target: '/home/node/.n8n', ReadOnly: false },
      ],
      Memory: 2 * 1024 ** 3,
      NanoCpus: 2e9,
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: false,
      CapAdd: [],
      Devices: [],
    })
    expect(
      fillPlaceholders('{{hostPort:5678}} {{hostPort:1}} {{hostPort}}', [
        { container: 5678, protocol: 'tcp', host: 5680 },
      ]),
    ).toBe('5680 {{hostPort:1}} 5680')
  })

  it('cannot be talked out of the identity labels by a spec', () => {
    const built = build(defaultTemplate('nginx'))
    if (!built.ok) throw new Error('not built')
    const options = toCreateOptions(
      { ...built.spec, labels: { ...built.spec.labels, 'zapie.managed': 'false', 'zapie.id': 'other' } },
      [],
    )
    expect(options.Labels).toMatchObject({ 'zapie.managed': 'true', 'zapie.id': built.spec.containerName })
  })
})

describe('GET /api/deploy/services shape', () => {
  it('is the original catalogue entry with tiers showing cpu and ram, and no secret defaults', () => {
    const entry = toDeployService(defaultTemplate('waha'))
    expect(entry).toMatchObject({
      id: 'waha',
      templateId: 'default-waha',
      name: 'WAHA',
      path: '/deploy/waha',
      description: expect.any(String),
    })
    expect(entry.tiers).toEqual([
      {
        id: 'basic',
        name: 'WAHA Basic',
        cpu: '0.5 CPU',
        ram: '512M RAM',
        memory: '512m',
        cpus: 0.5,
        description: 'Basic: 0.5 CPU, 512M RAM',
        price: 'Free',
        priceValue: 0,
      },
      {
        id: 'plus',
        name: 'WAHA Plus',
        cpu: '1 CPU',
        ram: '1G RAM',
        memory: '1g',
        cpus: 1,
        description: 'Plus: 1 CPU, 1G RAM',
        price: 'Free',
        priceValue: 0,
      },
      {
        id: 'pro',
        name: 'WAHA Pro',
        cpu: '2 CPU',
        ram: '2G RAM',
        memory: '2g',
        cpus: 2,
        description: 'Pro: 2 CPU, 2G RAM',
        price: 'Free',
        priceValue: 0,
      },
    ])
    expect(entry.variables.find((v) => v.name === 'WHATSAPP_API_KEY')).toEqual(
      expect.objectContaining({ secret: true, generated: true }),
    )
    expect(validateTemplate(DEFAULT_TEMPLATES[0]!.template, DEFAULT_POLICY).isValid).toBe(true)
  })
})
