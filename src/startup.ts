import { ConfigError, loadConfig, type Config } from './config'
import { loadOrCreateSecret } from './secret-file'

/** The config of a Node entry point; a bad setting ends the process with the message naming it. */
export function configOrExit(): Config {
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(err.message)
    process.exit(1)
  }
}

/**
 * The token from the environment or `<data dir>/<file>`; a new one is generated, stored 0600 and
 * printed exactly once — on the run that created it.
 */
export function tokenOrCreate(config: Config, file: string, fromEnv: string | undefined, what: string): string {
  const path = `${config.dataDir}/${file}`
  const token = loadOrCreateSecret(path, fromEnv)
  if (token.created) console.log(`\nZapieRakyat ${what} token (stored in ${path}, mode 0600):\n\n  ${token.value}\n`)
  return token.value
}
