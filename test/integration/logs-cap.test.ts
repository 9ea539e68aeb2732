import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer } from '../helpers/docker'
import { until } from '../helpers/monitor'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const CAP = 1024 * 1024
const IDLE = 'trap "exit 0" TERM; sleep 3600 & wait'

interface Line {
  message: string
  truncated?: boolean
}

/**
 * Issue #10 item 7: the agent held a whole non-follow logs answer in memory (five parallel
 * tail=5000 of long lines: 237 → 841 MiB). An answer now holds at most ZAPIE_LOGS_MAX_BYTES of
 * messages, the newest lines, each at most 16 KiB, and says when it left something out.
 */
describe.each(AGENT_MODES)('GET …/logs size cap against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  const api = (path: string) => ctx.app.request(path, { headers: auth })
  const logsOf = async (name: string, tail: number) => {
    const res = await api(`/api/services/${name}/logs?tail=${tail}`)
    expect(res.status).toBe(200)
    return (await res.json()) as { lines: Line[]; count: number; truncated: boolean }
  }
  const written = (name: string, last: string) =>
    until(async () => (await logsOf(name, 1)).lines[0]?.message.startsWith(last), 30_000, `${name} to finish writing`)

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode, { env: { ZAPIE_LOGS_MAX_BYTES: String(CAP) } })
  })
  afterAll(async () => ctx?.close())

  it('keeps the newest lines that fit the cap and says it truncated', async () => {
    // 3000 lines of ~1000 bytes: three times the cap.
    const svc = await createTestContainer({
      cmd: [
        'sh',
        '-c',
        `pad=$(head -c 990 /dev/zero | tr '\\0' y); i=1; while [ $i -le 3000 ]; do echo "$i $pad"; i=$((i+1)); done; ${IDLE}`,
      ],
    })
    await written(svc.name, '3000 ')
    const body = await logsOf(svc.name, 5000)
    expect(body.truncated).toBe(true)
    const bytes = body.lines.reduce((n, l) => n + Buffer.byteLength(l.message), 0)
    expect(bytes).toBeLessThanOrEqual(CAP)
    expect(bytes).toBeGreaterThan(CAP / 2)
    // The newest lines, in order, up to the very last one.
    const numbers = body.lines.map((l) => Number(l.message.split(' ')[0]))
    expect(numbers.at(-1)).toBe(3000)
    expect(numbers[0]).toBeGreaterThan(1)
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i))
    expect(body.count).toBe(body.lines.length)

    // Under the cap nothing is left out.
    const small = await logsOf(svc.name, 10)
    expect(small.truncated).toBe(false)
    expect(small.lines.map((l) => Number(l.message.split(' ')[0]))).toEqual([
      2991, 2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999, 3000,
    ])
  })

  it('cuts a very long line and marks it', async () => {
    // 40 lines of 200 KB each, one 3 MB line without a newline at the end, then a marker on
    // stderr (Docker stores long lines as 16 KiB pieces; `tail` counts pieces).
    const svc = await createTestContainer({
      cmd: [
        'sh',
        '-c',
        `i=1; while [ $i -le 40 ]; do echo "$i $(head -c 200000 /dev/zero | tr '\\0' z)"; i=$((i+1)); done; printf "last "; head -c 3000000 /dev/zero | tr '\\0' w; echo written >&2; ${IDLE}`,
      ],
    })
    // stdout and stderr are copied separately: wait until both have arrived.
    const body = await until(
      async () => {
        const got = await logsOf(svc.name, 5000)
        const done =
          got.lines.some((l) => l.message === 'written') && got.lines.some((l) => l.message.startsWith('last '))
        return done && got
      },
      30_000,
      `${svc.name} to finish writing`,
    )
    expect(body.truncated).toBe(true)
    const stdout = body.lines.filter((l) => l.message !== 'written')
    expect(body.lines.length - stdout.length).toBe(1)
    expect(stdout).toHaveLength(41)
    for (const line of stdout) {
      expect(line.truncated).toBe(true)
      expect(line.message.length).toBe(16 * 1024)
    }
    expect(stdout[0]!.message.startsWith('1 zzz')).toBe(true)
    expect(stdout.at(-1)!.message.startsWith('last www')).toBe(true)
  })
})
