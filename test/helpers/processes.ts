import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

export interface Started {
  child: ChildProcess
  output(): string
  exited: Promise<number | null>
  /** Resolves with the first match of `pattern` in the output (e.g. the listening URL). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts a process from the project root and collects what it prints. */
export function startProcess(command: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const match = pattern.exec(out)
        if (match) return match
        if (child.exitCode !== null) break
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(`${command} ${args.join(' ')}: no ${pattern} in output:\n${out.slice(-4000)}`)
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}

/** An entry point run the way the npm scripts run it (tsx). */
export function startTsEntry(script: string, env: Record<string, string>): Started {
  return startProcess(process.execPath, ['--import', 'tsx', script], { LOG_LEVEL: 'info', ...env })
}

export const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/
