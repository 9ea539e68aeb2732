import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger'
import { redactEnv, redactText } from '../../src/redact'

describe('redactEnv', () => {
  it('hides the usual short secret names and connection strings', () => {
    expect(
      redactEnv([
        'SMTP_PWD=a1b2c3',
        'MYSQL_ROOT_PWD=x',
        'SENTRY_DSN=https://k@o1.ingest.example/1',
        'DB_PASS=p',
        'CONNECTION_STRING=s',
        'TZ=UTC',
      ]),
    ).toEqual({
      SMTP_PWD: '********',
      MYSQL_ROOT_PWD: '********',
      SENTRY_DSN: '********',
      DB_PASS: '********',
      CONNECTION_STRING: '********',
      TZ: 'UTC',
    })
  })

  it('hides the password of a URL in any value and the same password wherever else it appears', () => {
    const env = redactEnv([
      'DATABASE_URL=postgres://app:p@ss:w0rd@db:5432/x',
      'REDIS_URL=redis://:r3dis-pw@cache:6379',
      'ECHO=p@ss:w0rd',
      'NOTE=uses p@ss:w0rd daily',
    ])
    expect(env).toEqual({
      DATABASE_URL: 'postgres://app:********@db:5432/x',
      REDIS_URL: 'redis://:********@cache:6379',
      ECHO: '********',
      NOTE: 'uses ******** daily',
    })
  })

  it('does not hunt for the switch of a secret-looking name in other values', () => {
    expect(
      redactEnv(['N8N_BASIC_AUTH_ACTIVE=true', 'N8N_DIAGNOSTICS_ENABLED=true', 'TOKEN_TTL=3600', 'CACHE_SECONDS=3600']),
    ).toEqual({
      N8N_BASIC_AUTH_ACTIVE: '********',
      N8N_DIAGNOSTICS_ENABLED: 'true',
      TOKEN_TTL: '********',
      CACHE_SECONDS: '3600',
    })
  })

  it('hides a value equal to a declared secret, however short', () => {
    expect(redactEnv(['APP_CODE=abc', 'COPY=abc', 'OTHER=abcd'], new Set(['APP_CODE']))).toEqual({
      APP_CODE: '********',
      COPY: '********',
      OTHER: 'abcd',
    })
  })
})

describe('redactText', () => {
  it('hides password= pairs of DSNs, ODBC strings and query strings', () => {
    expect(redactText('host=db password=hunter2 dbname=x')).toBe('host=db password=******** dbname=x')
    expect(redactText('Server=db;Pwd=hunter2;')).toBe('Server=db;Pwd=********;')
    expect(redactText('GET /x?user=a&api_key=k3y&z=1')).toBe('GET /x?user=a&api_key=********&z=1')
  })

  it('hides a token used as the user of a URL and keeps a JSON line intact', () => {
    expect(redactText('clone https://ghp_abc123@github.com/x/y')).toBe('clone https://********@github.com/x/y')
    const line = JSON.stringify({ a: 'amqp://u:pw@mq/v', b: 'mail me@example.com' })
    expect(JSON.parse(redactText(line))).toEqual({ a: 'amqp://u:********@mq/v', b: 'mail me@example.com' })
  })
})

describe('the logger', () => {
  it('hides URL passwords and password= pairs in every line it writes', () => {
    const lines: string[] = []
    createLogger('info', (l) => lines.push(l)).warn({
      msg: 'engine said',
      error: 'connect postgres://app:hunter2@db/x failed; dsn password=s3cret',
    })
    expect(lines[0]).not.toContain('hunter2')
    expect(lines[0]).not.toContain('s3cret')
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'engine said',
      error: 'connect postgres://app:********@db/x failed; dsn password=********',
    })
  })
})
