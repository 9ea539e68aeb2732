import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config'

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 5000,
      host: '127.0.0.1',
      dataDir: './data',
      storage: 'fs',
      backupDir: './data/backups',
      agentPort: 5001,
      corsOrigins: [],
      logLevel: 'info',
    })
    expect(config.apiToken).toBeUndefined()
  })

  it('names the variable that has a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig({ ZAPIE_STORAGE: 'mongo' })).toThrow(/ZAPIE_STORAGE/)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ ZAPIE_API_TOKEN: 'short' })).toThrow(/ZAPIE_API_TOKEN: must be at least 16/)
    expect(() => loadConfig({ DOCKER_HOST: '/var/run/docker.sock' })).toThrow(/DOCKER_HOST/)
  })

  it('requires a redis URL for redis storage and an agent token for a remote agent', () => {
    expect(() => loadConfig({ ZAPIE_STORAGE: 'redis' })).toThrow(/ZAPIE_REDIS_URL: is required/)
    expect(() => loadConfig({ ZAPIE_AGENT_URL: 'http://127.0.0.1:5001' })).toThrow(/ZAPIE_AGENT_TOKEN: is required/)
  })

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: 'x' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems).toHaveLength(2)
    }
  })

  it('splits CORS origins and treats empty variables as unset', () => {
    const config = loadConfig({ ZAPIE_CORS_ORIGINS: 'http://a.test, http://b.test', PORT: '' })
    expect(config.corsOrigins).toEqual(['http://a.test', 'http://b.test'])
    expect(config.port).toBe(5000)
  })
})
