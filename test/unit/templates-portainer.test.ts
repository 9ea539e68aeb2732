import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { planImport, readImportDocument, type ImportDocument } from '../../src/templates/exchange'
import { htmlToText } from '../../src/templates/html'
import { DEFAULT_POLICY } from '../../src/templates/policy'
import { fromPortainer } from '../../src/templates/portainer'

const FIXTURES = new URL('../fixtures/portainer-templates/', import.meta.url)
const load = (file: string) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { version: string; templates: Record<string, unknown>[] }

function plan(doc: unknown, existing = [] as Parameters<typeof planImport>[1]['existing']) {
  const read = readImportDocument(doc)
  if ('error' in read) throw new Error(read.error)
  let n = 0
  return planImport(read as ImportDocument, { existing, policy: DEFAULT_POLICY, overwrite: false, now: new Date('2026-01-01T00:00:00Z'), newId: () => `id-${n++}` })
}

/** The policy reasons a template needing host privileges fails with. */
const POLICY_CODES = ['privileged', 'host_network', 'docker_socket', 'devices', 'host_root']

describe.each([
  // file, container templates, stacks skipped, imported, failed by policy, failed otherwise
  // The others are broken templates: a variable defined twice (Deluge openvpn), a name with a
  // space (NUT Server), a Windows path (SQL Server), no image at all (a notice posing as a template).
  ['templates-v2.json', 266, 185, 233, 29, ['duplicate_env', 'invalid_format', 'invalid_format', 'too_small']],
  ['templates-v3.json', 284, 240, 251, 29, ['duplicate_env', 'invalid_format', 'invalid_format', 'invalid_format']],
] as const)('importing Portainer %s', (file, containers, stacks, imported, byPolicy, otherCodes) => {
  const doc = load(file)
  const { result, create } = plan(doc)

  it('accounts for every container template: imported, or failed with a specific reason', () => {
    expect(doc.templates.filter((t) => t.type === 1)).toHaveLength(containers)
    expect(result.imported).toBe(imported)
    expect(result.failed).toHaveLength(containers - imported)
    expect(result.imported + result.failed.length).toBe(containers)
    expect(create).toHaveLength(imported)
    for (const failure of result.failed) {
      expect(failure.name).not.toBe('')
      expect(failure.errors.length).toBeGreaterThan(0)
      for (const e of failure.errors) expect(e).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.stringMatching(/\w{3,}/) })
    }
  })

  it(`fails the ${byPolicy} templates that need host privileges with the policy's reason`, () => {
    const policyFailures = result.failed.filter((f) => f.errors.some((e) => POLICY_CODES.includes(e.code)))
    expect(policyFailures).toHaveLength(byPolicy)
    const others = result.failed.filter((f) => !policyFailures.includes(f))
    expect(others.map((f) => f.errors[0]!.code).sort()).toEqual([...otherCodes])
    const watchtower = result.failed.find((f) => f.name === 'Watchtower')!
    expect(watchtower.errors).toContainEqual(expect.objectContaining({ code: 'docker_socket', message: expect.stringContaining('/var/run/docker.sock') }))
  })

  it('skips stack templates with a reason', () => {
    expect(result.skipped).toBe(stacks)
    expect(result.skippedItems.every((s) => /stack templates are not imported/.test(s.reason))).toBe(true)
  })

  it('turns host bind mounts into named volumes, naming the host path in a warning', () => {
    const netdata = create.find((t) => t.name === 'Netdata')!
    expect(netdata.volumes.every((v) => v.bind === undefined)).toBe(true)
    expect(netdata.volumes).toContainEqual(expect.objectContaining({ container: '/host/proc', readOnly: true }))
    const warnings = result.warnings.find((w) => w.name === 'Netdata')!.warnings
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'bind_converted', message: expect.stringContaining('/proc') }))
  })

  it('keeps notes as text, never markup', () => {
    for (const t of create) expect(t.note).not.toMatch(/[<>]/)
    expect(create.find((t) => t.name === 'Netdata')!.note).toContain('Check our Github page: https://github.com/pi-hosted/pi-hosted')
  })
})

describe('Portainer specifics', () => {
  const convert = (item: Record<string, unknown>) => {
    const { result, create } = plan({ version: '2', templates: [{ type: 1, title: 'App', image: 'app/app:1', ...item }] })
    return { template: create[0], failed: result.failed[0], warnings: result.warnings[0]?.warnings ?? [] }
  }

  it('reads administrator-only in both spellings', () => {
    expect(convert({ 'administrator-only': true }).template!.isPublic).toBe(false)
    expect(convert({ administrator_only: true }).template!.isPublic).toBe(false)
    expect(convert({}).template!.isPublic).toBe(true)
  })

  it('reads legacy `set` values, `preset` defaults and `select` options', () => {
    const { template } = convert({
      env: [
        { name: 'CONTEXT_PATH', label: 'Path', set: 'airsonic' },
        { name: 'EULA', default: 'Y', preset: true },
        { name: 'DNSSEC', label: 'DNSSEC', select: [{ text: 'On', value: 'true', default: true }, { text: 'Off', value: 'false' }] },
      ],
    })
    expect(template!.env).toEqual([
      expect.objectContaining({ name: 'CONTEXT_PATH', label: 'Path', default: 'airsonic' }),
      expect.objectContaining({ name: 'EULA', default: 'Y' }),
      expect.objectContaining({ name: 'DNSSEC', default: 'true', options: [{ label: 'On', value: 'true' }, { label: 'Off', value: 'false' }] }),
    ])
  })

  it('reads string volumes and ports like "443/tcp", "8080:80/udp" and ":80/tcp"', () => {
    const { template } = convert({ volumes: ['/config'], ports: ['443/tcp', '8080:80/udp', ':81/tcp'] })
    expect(template!.volumes).toEqual([expect.objectContaining({ container: '/config' })])
    expect(template!.ports).toEqual([
      { container: 443, protocol: 'tcp', description: '' },
      { container: 80, host: 8080, protocol: 'udp', description: '' },
      { container: 81, protocol: 'tcp', description: '' },
    ])
  })

  it('drops default passwords: the secret is generated at deploy time', () => {
    const { template, warnings } = convert({ env: [{ name: 'MYSQL_ROOT_PASSWORD', default: 'changeme' }, { name: 'DB_PASS', label: 'x' }] })
    expect(template!.env[0]).toMatchObject({ name: 'MYSQL_ROOT_PASSWORD', secret: true, generate: 'password' })
    expect(template!.env[0]).not.toHaveProperty('default')
    expect(template!.env[1]).toMatchObject({ name: 'DB_PASS', secret: true })
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'secret_generated' }))
  })

  it.each([
    ['the Docker socket', { volumes: [{ container: '/var/run/docker.sock', bind: '/var/run/docker.sock' }] }, 'docker_socket'],
    ['privileged mode', { privileged: true }, 'privileged'],
    ['host networking', { network: 'host' }, 'host_network'],
    ['devices', { devices: ['/dev/ttyUSB0:/dev/ttyUSB0'] }, 'devices'],
    ['the host root', { volumes: [{ container: '/hostfs', bind: '/' }] }, 'host_root'],
  ])('fails a template that asks for %s', (_, item, code) => {
    const { failed } = convert(item)
    expect(failed).toMatchObject({ name: 'App', errors: [expect.objectContaining({ code })] })
  })

  it('keeps a bind mount that the allow-list permits', () => {
    const result = fromPortainer({ type: 1, title: 'A', image: 'a:1', volumes: [{ container: '/data', bind: '/srv/a' }] }, { bindMountAllowlist: ['/srv'] })
    expect(result).toMatchObject({ kind: 'template', errors: [], warnings: [], input: { volumes: [{ container: '/data', bind: '/srv/a', readOnly: false }] } })
  })

  it('detects duplicates within one import and refuses the second', () => {
    const { result } = plan([
      { type: 1, title: 'Same', image: 'a:1' },
      { type: 1, title: 'same', image: 'b:1' },
    ])
    expect(result.imported).toBe(1)
    expect(result.failed).toEqual([{ index: 1, name: 'same', errors: [expect.objectContaining({ code: 'duplicate_in_import' })] }])
  })

  it('refuses an unknown Portainer version and what is not a template list', () => {
    expect(readImportDocument({ version: '1', templates: [] })).toEqual({ error: expect.stringContaining('version 1') })
    expect(readImportDocument({ hello: 'world' })).toEqual({ error: expect.any(String) })
    expect(readImportDocument('templates')).toEqual({ error: expect.any(String) })
    expect(readImportDocument({ format: 'zapierakyat.templates', version: 99, templates: [] })).toEqual({ error: expect.stringContaining('version 99') })
  })
})

describe('htmlToText', () => {
  it('keeps the words and the link targets, and nothing a browser could run', () => {
    expect(htmlToText('<b>Hi</b><br>See <a href="https://x.test">docs</a>.<script>alert(1)</script>&lt;img src=x onerror=alert(1)&gt; &amp; more')).toBe(
      'Hi\nSee docs (https://x.test).img src=x onerror=alert(1) & more',
    )
  })
})
