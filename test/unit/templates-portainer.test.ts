import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { planImport, readImportDocument, type ImportDocument } from '../../src/templates/exchange'
import { htmlToText } from '../../src/templates/html'
import { DEFAULT_POLICY } from '../../src/templates/policy'
import { fromPortainer, isPortainerItem } from '../../src/templates/portainer'

const FIXTURES = new URL('../fixtures/portainer-templates/', import.meta.url)
const load = (file: string) =>
  JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { version: string; templates: Record<string, unknown>[] }

function plan(doc: unknown, existing = [] as Parameters<typeof planImport>[1]['existing']) {
  const read = readImportDocument(doc)
  if ('error' in read) throw new Error(read.error)
  let n = 0
  return planImport(read as ImportDocument, {
    existing,
    policy: DEFAULT_POLICY,
    overwrite: false,
    now: new Date('2026-01-01T00:00:00Z'),
    newId: () => `id-${n++}`,
  })
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
  // Planned inside the tests, not while collecting them: a failure there fails a test.
  let planned: ReturnType<typeof plan> | undefined
  const run = () => (planned ??= plan(doc))

  it('accounts for every container template: imported, or failed with a specific reason', () => {
    const { result, create } = run()
    expect(doc.templates.filter((t) => t.type === 1)).toHaveLength(containers)
    expect(result.imported).toBe(imported)
    expect(result.failed).toHaveLength(containers - imported)
    expect(result.imported + result.failed.length).toBe(containers)
    expect(create).toHaveLength(imported)
    for (const failure of result.failed) {
      expect(failure.name).not.toBe('')
      expect(failure.errors.length).toBeGreaterThan(0)
      for (const e of failure.errors)
        expect(e).toEqual({
          path: expect.any(String),
          code: expect.any(String),
          message: expect.stringMatching(/\w{3,}/),
        })
    }
  })

  it(`fails the ${byPolicy} templates that need host privileges with the policy's reason`, () => {
    const { result } = run()
    const policyFailures = result.failed.filter((f) => f.errors.some((e) => POLICY_CODES.includes(e.code)))
    expect(policyFailures).toHaveLength(byPolicy)
    const others = result.failed.filter((f) => !policyFailures.includes(f))
    expect(others.map((f) => f.errors[0]!.code).sort()).toEqual([...otherCodes])
    const watchtower = result.failed.find((f) => f.name === 'Watchtower')!
    expect(watchtower.errors).toContainEqual(
      expect.objectContaining({ code: 'docker_socket', message: expect.stringContaining('/var/run/docker.sock') }),
    )
  })

  it('skips stack templates with a reason', () => {
    const { result } = run()
    expect(result.skipped).toBe(stacks)
    expect(result.skippedItems.every((s) => /stack templates are not imported/.test(s.reason))).toBe(true)
  })

  it('turns host bind mounts into named volumes, naming the host path in a warning', () => {
    const { result, create } = run()
    const netdata = create.find((t) => t.name === 'Netdata')!
    expect(netdata.volumes.every((v) => v.bind === undefined)).toBe(true)
    expect(netdata.volumes).toContainEqual(expect.objectContaining({ container: '/host/proc', readOnly: true }))
    const warnings = result.warnings.find((w) => w.name === 'Netdata')!.warnings
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'bind_converted', message: expect.stringContaining('/proc') }),
    )
  })

  it('keeps notes as text, never markup', () => {
    const { create } = run()
    for (const t of create) expect(t.note).not.toMatch(/[<>]/)
    expect(create.find((t) => t.name === 'Netdata')!.note).toContain(
      'Check our Github page: https://github.com/pi-hosted/pi-hosted',
    )
  })
})

describe('Portainer specifics', () => {
  const convert = (item: Record<string, unknown>) => {
    const { result, create } = plan({
      version: '2',
      templates: [{ type: 1, title: 'App', image: 'app/app:1', ...item }],
    })
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
        {
          name: 'DNSSEC',
          label: 'DNSSEC',
          select: [
            { text: 'On', value: 'true', default: true },
            { text: 'Off', value: 'false' },
          ],
        },
      ],
    })
    expect(template!.env).toEqual([
      expect.objectContaining({ name: 'CONTEXT_PATH', label: 'Path', default: 'airsonic' }),
      expect.objectContaining({ name: 'EULA', default: 'Y' }),
      expect.objectContaining({
        name: 'DNSSEC',
        default: 'true',
        options: [
          { label: 'On', value: 'true' },
          { label: 'Off', value: 'false' },
        ],
      }),
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
    const { template, warnings } = convert({
      env: [
        { name: 'MYSQL_ROOT_PASSWORD', default: 'changeme' },
        { name: 'DB_PASS', label: 'x' },
      ],
    })
    expect(template!.env[0]).toMatchObject({ name: 'MYSQL_ROOT_PASSWORD', secret: true, generate: 'password' })
    expect(template!.env[0]).not.toHaveProperty('default')
    expect(template!.env[1]).toMatchObject({ name: 'DB_PASS', secret: true })
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'secret_generated' }))
  })

  it.each([
    [
      'the Docker socket',
      { volumes: [{ container: '/var/run/docker.sock', bind: '/var/run/docker.sock' }] },
      'docker_socket',
    ],
    ['privileged mode', { privileged: true }, 'privileged'],
    ['host networking', { network: 'host' }, 'host_network'],
    ['devices', { devices: ['/dev/ttyUSB0:/dev/ttyUSB0'] }, 'devices'],
    ['the host root', { volumes: [{ container: '/hostfs', bind: '/' }] }, 'host_root'],
  ])('fails a template that asks for %s', (_, item, code) => {
    const { failed } = convert(item)
    expect(failed).toMatchObject({ name: 'App', errors: [expect.objectContaining({ code })] })
  })

  it('keeps a bind mount that the allow-list permits', () => {
    const result = fromPortainer(
      { type: 1, title: 'A', image: 'a:1', volumes: [{ container: '/data', bind: '/srv/a' }] },
      { bindMountAllowlist: ['/srv'] },
    )
    expect(result).toMatchObject({
      kind: 'template',
      errors: [],
      warnings: [],
      input: { volumes: [{ container: '/data', bind: '/srv/a', readOnly: false }] },
    })
  })

  it('detects duplicates within one import and refuses the second', () => {
    const { result } = plan([
      { type: 1, title: 'Same', image: 'a:1' },
      { type: 1, title: 'same', image: 'b:1' },
    ])
    expect(result.imported).toBe(1)
    expect(result.failed).toEqual([
      { index: 1, name: 'same', errors: [expect.objectContaining({ code: 'duplicate_in_import' })] },
    ])
  })

  it('refuses an unknown Portainer version and what is not a template list', () => {
    expect(readImportDocument({ version: '1', templates: [] })).toEqual({ error: expect.stringContaining('version 1') })
    expect(readImportDocument({ hello: 'world' })).toEqual({ error: expect.any(String) })
    expect(readImportDocument('templates')).toEqual({ error: expect.any(String) })
    expect(readImportDocument({ format: 'zapierakyat.templates', version: 99, templates: [] })).toEqual({
      error: expect.stringContaining('version 99'),
    })
  })
})

describe('htmlToText', () => {
  it('keeps the words and the link targets, and nothing a browser could run', () => {
    expect(
      htmlToText(
        '<b>Hi</b><br>See <a href="https://x.test">docs</a>.<script>alert(1)</script>&lt;img src=x onerror=alert(1)&gt; &amp; more',
      ),
    ).toBe('Hi\nSee docs (https://x.test).img src=x onerror=alert(1) & more')
  })
})

describe('Portainer field mapping', () => {
  const ALLOW = { bindMountAllowlist: ['/srv'] }
  const input = (item: Record<string, unknown>, policy = DEFAULT_POLICY) => {
    const r = fromPortainer({ type: 1, title: 'App', image: 'app/app:1', ...item }, policy)
    if (r.kind !== 'template') throw new Error('skipped')
    return r
  }
  const volumes = (v: unknown[], policy = ALLOW) => input({ volumes: v }, policy).input.volumes

  it('mounts a volume read-only when asked with `readonly`, `read_only` or a `:ro` suffix, and read-write otherwise', () => {
    expect(
      volumes([
        { container: '/a', readonly: true },
        { container: '/b', read_only: true },
        { container: '/c:ro' },
        { container: '/d:rw' },
        { container: '/e' },
        { container: '/f', readonly: false, read_only: false },
        // Only a real boolean counts: "true" as a string is not Portainer's flag.
        { container: '/g', readonly: 'true' },
        { container: '/h:rw', readonly: true },
      ]),
    ).toEqual([
      { container: '/a', readOnly: true },
      { container: '/b', readOnly: true },
      { container: '/c', readOnly: true },
      { container: '/d', readOnly: false },
      { container: '/e', readOnly: false },
      { container: '/f', readOnly: false },
      { container: '/g', readOnly: false },
      { container: '/h', readOnly: true },
    ])
  })

  it('keeps the read-only flag on an allowed bind mount and on one turned into a named volume', () => {
    expect(
      volumes([
        { container: '/data', bind: '/srv/app', read_only: true },
        { container: '/x', bind: '/srv/x:ro' },
      ]),
    ).toEqual([
      { container: '/data', bind: '/srv/app', readOnly: true },
      { container: '/x', bind: '/srv/x', readOnly: false },
    ])
    const converted = input({ volumes: [{ container: '/logs', bind: '/opt/logs', readonly: true }] })
    expect(converted.input.volumes).toEqual([{ container: '/logs', readOnly: true }])
    expect(converted.warnings).toEqual([
      expect.objectContaining({
        path: 'volumes.0.bind',
        code: 'bind_converted',
        message: expect.stringContaining('/opt/logs'),
      }),
    ])
  })

  it('normalises an allowed bind path and keeps string volumes as written', () => {
    expect(volumes(['/config', { container: '/d', bind: '/srv//a/./b/' }, 7])).toEqual([
      '/config',
      { container: '/d', bind: '/srv/a/b', readOnly: false },
      7,
    ])
  })

  it('drops the host time-zone files with a hint, and refuses the socket and the root by index', () => {
    const r = input({
      volumes: [
        { container: '/etc/localtime', bind: '/etc/localtime', readonly: true },
        { container: '/tz', bind: '/etc/timezone' },
        { container: '/d' },
      ],
    })
    expect(r.input.volumes).toEqual([{ container: '/d', readOnly: false }])
    expect(r.warnings.map((w) => [w.path, w.code])).toEqual([
      ['volumes.0.bind', 'bind_dropped'],
      ['volumes.1.bind', 'bind_dropped'],
    ])
    expect(r.warnings[0]!.message).toMatch(/TZ/)
    const refused = input({
      volumes: [{ container: '/a' }, { container: '/s', bind: '/run/docker.sock' }, { container: '/h', bind: '/:ro' }],
    })
    expect(refused.errors.map((e) => [e.path, e.code])).toEqual([
      ['volumes.1.bind', 'docker_socket'],
      ['volumes.2.bind', 'host_root'],
    ])
    expect(refused.input.volumes).toEqual([{ container: '/a', readOnly: false }])
  })

  it.each([
    // An exact category name wins, in any case, over any word match.
    [['Database'], 'database'],
    [['WEB'], 'web'],
    [['Tools', 'Storage'], 'storage'],
    [['Proxy', 'monitoring'], 'monitoring'],
    // Otherwise the first word table row that any category matches.
    [['SQL'], 'database'],
    [['MongoDB'], 'database'],
    [['Redis'], 'database'],
    [['Dashboard'], 'monitoring'],
    [['Logging'], 'monitoring'],
    [['CCTV'], 'monitoring'],
    [['HomeAutomation'], 'automation'],
    [['Workflow'], 'automation'],
    [['CI'], 'automation'],
    [['Chat'], 'messaging'],
    [['Email'], 'messaging'],
    [['Fediverse'], 'messaging'],
    [['Backup'], 'storage'],
    [['Downloaders'], 'storage'],
    [['Photos'], 'storage'],
    [['Music'], 'storage'],
    [['Serverless'], 'api'],
    [['Development'], 'api'],
    [['VersionControl'], 'api'],
    [['CMS'], 'web'],
    [['DNS'], 'web'],
    [['VPN'], 'web'],
    // Earlier rows beat later ones whatever the order of the categories.
    [['Proxy', 'Database'], 'database'],
    // An exact name anywhere beats every word match, even one of an earlier table row.
    [['Web', 'Database'], 'web'],
    [['Other', 'Chat'], 'other'],
    [['Proxy', 'Chat'], 'messaging'],
    [['Games'], 'other'],
    [[], 'other'],
  ])('maps Portainer categories %j to %s', (categories, category) => {
    expect(input({ categories }).input.category).toBe(category)
  })

  it('does not take words that merely contain a short keyword (db, ci) as a category', () => {
    expect(input({ categories: ['dbx'] }).input.category).toBe('other')
    expect(input({ categories: ['Circus'] }).input.category).toBe('other')
  })

  it('reads the v2 single `category` and keeps all categories as lower-case tags', () => {
    expect(input({ category: 'Monitoring' }).input).toMatchObject({ category: 'monitoring', tags: ['monitoring'] })
    expect(input({ categories: [' Media ', 'Tools', '', 3] }).input).toMatchObject({
      category: 'storage',
      tags: ['media', 'tools'],
    })
    expect(input({}).input).toMatchObject({ category: 'other', tags: [] })
  })

  it('maps the container fields our templates have, and leaves out empty ones', () => {
    const full = input({
      logo: 'https://x.test/l.png',
      restart_policy: 'always',
      command: 'serve --port 80',
      cap_add: ['NET_ADMIN'],
      labels: [
        { name: 'traefik.enable', value: 'true' },
        { name: 'empty' },
        { name: 'Zapie.service', value: 'x' },
        { value: 'no name' },
        'junk',
      ],
      network: 'bridge',
    })
    expect(full.input).toMatchObject({
      logo: 'https://x.test/l.png',
      restartPolicy: 'always',
      command: 'serve --port 80',
      capAdd: ['NET_ADMIN'],
      labels: { 'traefik.enable': 'true', empty: '' },
    })
    expect(full.warnings).toEqual([
      expect.objectContaining({
        path: 'labels.2',
        code: 'reserved_label',
        message: expect.stringContaining('Zapie.service'),
      }),
    ])
    const bare = input({ command: '   ', cap_add: [], devices: [], privileged: false, logo: '', restart_policy: '' })
    for (const key of [
      'command',
      'capAdd',
      'devices',
      'privileged',
      'logo',
      'restartPolicy',
      'networkMode',
      'labels',
      'env',
      'volumes',
      'ports',
    ]) {
      expect(bare.input).not.toHaveProperty(key)
    }
    expect(bare.warnings).toEqual([])
  })

  it('takes the title before the name, trimmed, and turns description markup into text', () => {
    expect(
      fromPortainer(
        { type: 1, title: ' Title ', name: 'name', image: 'a', description: '<b>Bold</b> text', note: '<i>n</i>' },
        DEFAULT_POLICY,
      ),
    ).toMatchObject({
      name: 'Title',
      input: { name: 'Title', description: 'Bold text', note: 'n', image: 'a' },
    })
    expect(fromPortainer({ type: 1, name: 'only-name' }, DEFAULT_POLICY)).toMatchObject({
      name: 'only-name',
      input: { image: '', description: '', note: '' },
    })
  })

  it('warns about a network it will not create, and fields it does not store', () => {
    const r = input({
      network: 'proxy-net',
      hostname: 'h',
      interactive: true,
      registry: 'r.test',
      platform: 'linux',
      maintainer: 'm',
      colour: 'red',
    })
    expect(r.warnings.map((w) => [w.path, w.code])).toEqual([
      ['network', 'network_ignored'],
      ['hostname', 'unsupported_field'],
      ['interactive', 'unsupported_field'],
      ['registry', 'unsupported_field'],
      ['colour', 'unknown_field'],
    ])
    expect(r.warnings[0]!.message).toContain("'proxy-net'")
    expect(r.input).not.toHaveProperty('networkMode')
  })

  it('names the kind of stack it skips, and a type it does not know', () => {
    expect(fromPortainer({ type: 2, title: 'S' }, DEFAULT_POLICY)).toEqual({
      kind: 'skip',
      name: 'S',
      reason: expect.stringMatching(/^Swarm stack templates are not imported/),
    })
    expect(fromPortainer({ type: 3, title: 'C' }, DEFAULT_POLICY)).toMatchObject({
      reason: expect.stringMatching(/^Compose stack/),
    })
    expect(fromPortainer({ type: 4, title: 'E' }, DEFAULT_POLICY)).toMatchObject({
      reason: expect.stringMatching(/^Edge stack/),
    })
    expect(fromPortainer({ type: 9, title: 'N' }, DEFAULT_POLICY)).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/^type 9 templates/),
    })
    expect(fromPortainer({ title: 'No type', image: 'a' }, DEFAULT_POLICY)).toMatchObject({
      kind: 'template',
      name: 'No type',
    })
  })

  it('refuses what is not an object, and recognises Portainer items by type or title', () => {
    for (const bad of [null, [], 'x', 3]) {
      expect(fromPortainer(bad, DEFAULT_POLICY)).toEqual({
        kind: 'template',
        name: '',
        input: {},
        errors: [{ path: '', code: 'invalid_type', message: 'A Portainer template must be a JSON object' }],
        warnings: [],
      })
    }
    expect(isPortainerItem({ type: 1 })).toBe(true)
    expect(isPortainerItem({ title: 'x' })).toBe(true)
    expect(isPortainerItem({ name: 'x', image: 'y' })).toBe(false)
    expect(isPortainerItem([{ type: 1 }])).toBe(false)
    expect(isPortainerItem(null)).toBe(false)
  })

  it('reads env entries: labels, markup-free descriptions, select options, container references', () => {
    const r = input({
      env: [
        {
          name: 'MODE',
          label: 'Mode',
          description: '<p>Pick</p>',
          select: [{ text: 'Fast', value: 'f' }, { value: 'slow', default: true }, 'junk', { text: 'Empty' }],
        },
        { name: 'DB_HOST', type: 'container' },
        { name: 'OPTS', default: { a: 1 } },
        { name: 'COUNT', default: 3 },
        { name: 'NONE', default: null },
        'RAW',
        { name: 'ADMIN_TOKEN', default: '' },
        { name: 'ROOT_PASSWORD', label: 'Root password' },
        { name: 'SIMPLE', select: [] },
      ],
    })
    expect(r.input.env).toEqual([
      {
        name: 'MODE',
        label: 'Mode',
        description: 'Pick',
        options: [
          { label: 'Fast', value: 'f' },
          { label: 'slow', value: 'slow' },
          { label: 'Empty', value: '' },
        ],
        default: 'slow',
      },
      { name: 'DB_HOST' },
      { name: 'OPTS', default: '{"a":1}' },
      { name: 'COUNT', default: '3' },
      { name: 'NONE' },
      'RAW',
      { name: 'ADMIN_TOKEN', secret: true },
      // No default to drop: the user types one, nothing is generated.
      { name: 'ROOT_PASSWORD', label: 'Root password', secret: true },
      { name: 'SIMPLE' },
    ])
    expect(r.warnings).toEqual([
      expect.objectContaining({
        path: 'env.1',
        code: 'container_reference',
        message: expect.stringContaining('DB_HOST'),
      }),
    ])
  })

  it.each([
    'DB_PASSWORD',
    'passwd',
    'GPG_PASSPHRASE',
    'APP_SECRET',
    'GITHUB_TOKEN',
    'SSH_PRIVATE_KEY',
    'X_API_KEY',
    'APIKEY',
    'ENCRYPTION_KEY',
    'JWT_SIGN',
    'PASS',
    'ADMIN_PASS',
    'WG_PSK',
    'psk',
  ])('treats %s as a credential: its default is dropped and generated', (name) => {
    const r = input({ env: [{ name, default: 'hunter2' }] })
    expect(r.input.env).toEqual([{ name, secret: true, generate: 'password' }])
    expect(r.warnings).toEqual([
      { path: 'env.0.default', code: 'secret_generated', message: expect.stringContaining(name) },
    ])
  })

  it.each(['PASSAGE', 'BYPASS_CACHE', 'COMPASS', 'PSKEY_PATH', 'KEYBOARD_LAYOUT'])(
    'keeps the default of %s, which only looks like a credential',
    (name) => {
      expect(input({ env: [{ name, default: 'v' }] }).input.env).toEqual([{ name, default: 'v' }])
    },
  )

  it('stores every field Portainer documents without calling it unknown', () => {
    const r = input({
      name: 'n',
      description: 'd',
      note: 'n',
      categories: ['Tools'],
      category: 'Tools',
      platform: 'linux',
      logo: 'l',
      ports: ['80/tcp'],
      env: [],
      volumes: [],
      restart_policy: 'always',
      privileged: false,
      network: 'bridge',
      devices: [],
      cap_add: [],
      command: 'c',
      labels: [],
      'administrator-only': false,
      administrator_only: false,
      maintainer: 'm',
      id: 1,
    })
    expect(r.warnings).toEqual([])
    const unsupported = input({ hostname: 'h' }).warnings
    expect(unsupported).toEqual([
      { path: 'hostname', code: 'unsupported_field', message: "'hostname' is not supported; it is not stored" },
    ])
    expect(input({ colour: 1 }).warnings).toEqual([
      {
        path: 'colour',
        code: 'unknown_field',
        message: "'colour' is not a Portainer template field we know; it is not stored",
      },
    ])
  })

  it('ignores text fields that are not strings', () => {
    expect(
      fromPortainer(
        {
          type: 1,
          title: 5,
          name: 'fallback',
          image: 7,
          logo: 9,
          restart_policy: 1,
          network: 2,
          description: 3,
          note: 4,
        },
        DEFAULT_POLICY,
      ),
    ).toMatchObject({
      name: 'fallback',
      input: { image: '', description: '', note: '' },
      warnings: [],
    })
    const r = input({
      logo: 9,
      restart_policy: 1,
      command: 5,
      env: [{ name: 'A', label: 5, description: 6 }],
      volumes: [{ container: 5 }, { container: '/b', bind: 7 }],
    })
    for (const key of ['logo', 'restartPolicy', 'command']) expect(r.input).not.toHaveProperty(key)
    expect(r.input.env).toEqual([{ name: 'A' }])
    expect(r.input.volumes).toEqual([
      { container: '', readOnly: false },
      { container: '/b', readOnly: false },
    ])
  })

  it('takes a :ro or :rw suffix only at the end of a container or host path', () => {
    expect(volumes([{ container: '/data/:rocket', bind: '/srv/a:rocket' }, { container: '/x:rwx' }])).toEqual([
      { container: '/data/:rocket', bind: '/srv/a:rocket', readOnly: false },
      { container: '/x:rwx', readOnly: false },
    ])
  })

  it('keeps what has no name or value as empty text, not as a placeholder', () => {
    expect(fromPortainer({ type: 1, image: 'a' }, DEFAULT_POLICY)).toMatchObject({
      kind: 'template',
      name: '',
      input: { name: '' },
    })
    const r = input({
      env: [
        { label: 'No name', default: 'x' },
        { name: 'PICK', select: [{}, { default: true }] },
      ],
    })
    expect(r.input.env).toEqual([
      { name: '', label: 'No name', default: 'x' },
      {
        name: 'PICK',
        options: [
          { label: '', value: '' },
          { label: '', value: '' },
        ],
        default: '',
      },
    ])
  })

  it('reads administrator-only only when it is a boolean', () => {
    expect(input({ 'administrator-only': false }).input.isPublic).toBe(true)
    expect(input({ administrator_only: 'yes' }).input).not.toHaveProperty('isPublic')
    expect(input({ 'administrator-only': true, administrator_only: false }).input.isPublic).toBe(false)
  })
})
