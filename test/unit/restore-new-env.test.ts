import { describe, expect, it } from 'vitest'
import { withBackedUpEnv } from '../../src/agent/backup/restore-new'
import type { DeploySpec } from '../../src/deploy/spec'

const spec = (env: DeploySpec['env']) => ({ env }) as DeploySpec

describe('restore into a new service: the environment', () => {
  it('takes the backed-up value of each variable the caller left alone, and only of the template’s own variables', () => {
    const { spec: out, restored } = withBackedUpEnv(
      spec([
        { name: 'DB_PASSWORD', value: 'fresh-generated' },
        { name: 'GREETING', value: 'chosen-by-caller' },
        { name: 'PUBLIC_URL', value: 'http://localhost:{{hostPort}}' },
        { name: 'NEW_VAR', value: 'default' },
      ]),
      ['DB_PASSWORD=old=secret', 'GREETING=old', 'PUBLIC_URL=http://localhost:20001', 'PATH=/usr/bin', 'INJECTED=1'],
      ['DB_PASSWORD', 'PUBLIC_URL', 'NEW_VAR', 'INJECTED'],
    )
    expect(out.env).toEqual([
      // `=` inside a value survives.
      { name: 'DB_PASSWORD', value: 'old=secret' },
      { name: 'GREETING', value: 'chosen-by-caller' },
      // The new service gets its own port: the old URL would point at the old one.
      { name: 'PUBLIC_URL', value: 'http://localhost:{{hostPort}}' },
      { name: 'NEW_VAR', value: 'default' },
    ])
    expect(restored).toEqual(['DB_PASSWORD'])
  })
})
