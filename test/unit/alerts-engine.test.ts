import { beforeEach, describe, expect, it } from 'vitest'
import { createAlertEngine } from '../../src/agent/monitor/alert-engine'
import { initialState, remindIfDue, step } from '../../src/agent/monitor/alert-machine'
import { evaluateRule, type RuleInput } from '../../src/agent/monitor/alert-rules'
import { createCrashDetector } from '../../src/agent/monitor/crash-detector'
import { RestartWindow } from '../../src/agent/monitor/restart-window'
import { createThresholds, DEFAULT_THRESHOLDS } from '../../src/agent/monitor/thresholds'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import type { AlertRecord } from '../../src/schemas/monitoring'
import { createStores, type Stores } from '../../storage'

const MINUTE = 60_000
const T0 = Date.parse('2026-11-01T00:00:00Z')

const input = (over: Partial<RuleInput> = {}): RuleInput => ({
  observable: true,
  status: 'up',
  running: true,
  cpu: 10,
  memory: 10,
  restartIncrease: 0,
  crashed: false,
  ...over,
})

function alertOf(rule: AlertRecord['rule']): AlertRecord {
  return {
    id: 'x',
    rule,
    severity: 'warning',
    state: 'firing',
    serviceId: 's',
    containerId: null,
    serviceName: 's',
    message: 'm',
    value: null,
    threshold: null,
    startedAt: new Date(T0).toISOString(),
    resolvedAt: null,
    lastNotifiedAt: new Date(T0).toISOString(),
    notifications: 1,
  }
}

describe('alert state machine (one service, one rule)', () => {
  const run = (cpus: (number | null)[], n = 3) => {
    const state = initialState()
    const out: string[] = []
    cpus.forEach((cpu, i) => {
      const verdict = evaluateRule('cpu_warning', input({ cpu }), DEFAULT_THRESHOLDS)
      const t = step(state, verdict, { samplesToFire: n, now: T0 + i * 1000, open: () => alertOf('cpu_warning') })
      if (t) out.push(`${i}:${t.kind}`)
    })
    return { out, state }
  }

  it('fires after N consecutive breaching samples, not before', () => {
    expect(run([90, 90]).out).toEqual([])
    expect(run([90, 90]).state.phase).toBe('pending')
    expect(run([90, 90, 90]).out).toEqual(['2:fire'])
  })

  it('a breach interrupted by a normal sample starts counting again', () => {
    expect(run([90, 90, 50, 90, 90, 50, 90]).out).toEqual([])
  })

  it('flapping around the threshold fires once and resolves once (hysteresis: clears below 75 %)', () => {
    const flapping = [85, 90, 82, 79, 81, 78, 85, 77, 83, 76, 81, 60, 50]
    expect(run(flapping).out).toEqual(['2:fire', '11:resolve'])
  })

  it('samples without a CPU reading change nothing', () => {
    expect(run([90, null, 90, null, 90]).out).toEqual(['4:fire'])
  })

  it('clears the CPU alert of a container that stopped', () => {
    const state = initialState()
    const opts = { samplesToFire: 1, now: T0, open: () => alertOf('cpu_critical') }
    expect(step(state, evaluateRule('cpu_critical', input({ cpu: 99 }), DEFAULT_THRESHOLDS), opts)?.kind).toBe('fire')
    expect(
      step(
        state,
        evaluateRule('cpu_critical', input({ running: false, status: 'down', cpu: null }), DEFAULT_THRESHOLDS),
        opts,
      )?.kind,
    ).toBe('resolve')
  })

  it('reminds while firing, every reminder interval', () => {
    const state = initialState()
    step(state, evaluateRule('cpu_warning', input({ cpu: 90 }), DEFAULT_THRESHOLDS), {
      samplesToFire: 1,
      now: T0,
      open: () => alertOf('cpu_warning'),
    })
    expect(remindIfDue(state, T0 + 29 * MINUTE, 30 * MINUTE)).toBeNull()
    expect(remindIfDue(state, T0 + 30 * MINUTE, 30 * MINUTE)?.notifications).toBe(2)
    expect(remindIfDue(state, T0 + 45 * MINUTE, 30 * MINUTE)).toBeNull()
    expect(remindIfDue(state, T0 + 60 * MINUTE, 30 * MINUTE)?.notifications).toBe(3)
  })
})

describe('rules', () => {
  it('critical levels can fire (the original checked warning first and never reached them)', () => {
    expect(evaluateRule('cpu_critical', input({ cpu: 96 }), DEFAULT_THRESHOLDS)?.breach).toBe(true)
    expect(evaluateRule('memory_critical', input({ memory: 96 }), DEFAULT_THRESHOLDS)?.breach).toBe(true)
    expect(evaluateRule('memory_critical', input({ memory: 92 }), DEFAULT_THRESHOLDS)).toMatchObject({
      breach: false,
      clear: false,
    })
  })

  it('container_down breaches on a crash only, and has no opinion while a death is unexplained', () => {
    const down = { running: false, status: 'down' as const, cpu: null, memory: null }
    expect(evaluateRule('container_down', input({ ...down, crashed: true }), DEFAULT_THRESHOLDS)?.breach).toBe(true)
    expect(evaluateRule('container_down', input({ ...down, crashed: false }), DEFAULT_THRESHOLDS)?.breach).toBe(false)
    expect(evaluateRule('container_down', input({ ...down, crashed: null }), DEFAULT_THRESHOLDS)).toBeNull()
    expect(
      evaluateRule('container_down', input({ status: 'restarting', running: false, crashed: true }), DEFAULT_THRESHOLDS)
        ?.breach,
    ).toBe(false)
  })

  it('while Docker does not answer only unreachable has an opinion; the rest keeps its state', () => {
    const blind = input({
      observable: false,
      status: 'unreachable',
      running: false,
      cpu: null,
      memory: null,
      crashed: null,
    })
    expect(evaluateRule('unreachable', blind, DEFAULT_THRESHOLDS)?.breach).toBe(true)
    for (const rule of ['cpu_warning', 'memory_critical', 'container_down', 'restarts', 'unhealthy'] as const) {
      expect(evaluateRule(rule, blind, DEFAULT_THRESHOLDS), rule).toBeNull()
    }
  })

  it('restarts breach on an increase within the window, not on the absolute count', () => {
    const t = { ...DEFAULT_THRESHOLDS, restarts: { count: 2, windowMs: 10 * MINUTE } }
    const w = new RestartWindow()
    w.record(T0, 40) // forty restarts long ago say nothing
    expect(w.increase(T0, t.restarts.windowMs)).toBe(0)
    w.record(T0 + MINUTE, 41)
    w.record(T0 + 2 * MINUTE, 42)
    expect(
      evaluateRule('restarts', input({ restartIncrease: w.increase(T0 + 2 * MINUTE, t.restarts.windowMs) }), t)?.breach,
    ).toBe(true)
    expect(w.increase(T0 + 11.5 * MINUTE, t.restarts.windowMs)).toBe(1)
    expect(w.increase(T0 + 13 * MINUTE, t.restarts.windowMs)).toBe(0)
    w.record(T0 + 14 * MINUTE, 0) // a recreated container starts at zero: a new baseline, not a restart
    w.record(T0 + 15 * MINUTE, 1)
    expect(w.increase(T0 + 15 * MINUTE, t.restarts.windowMs)).toBe(1)
  })
})

describe('crash detector', () => {
  const d = createCrashDetector({ graceMs: 1000 })

  it('calls a die without a following stop a crash, once the grace has passed', () => {
    d.onEvent('kill', 'a', T0)
    d.onEvent('die', 'a', T0)
    expect(d.crashed('a', T0 + 500)).toBeNull()
    expect(d.crashed('a', T0 + 1000)).toBe(true)
    d.onEvent('start', 'a', T0 + 2000)
    expect(d.crashed('a', T0 + 3000)).toBe(false)
  })

  it('calls kill → die → stop (docker stop) deliberate', () => {
    d.onEvent('kill', 'b', T0)
    d.onEvent('die', 'b', T0)
    d.onEvent('stop', 'b', T0 + 5)
    expect(d.crashed('b', T0 + 5000)).toBe(false)
  })

  it('does not call a container it never saw die a crash', () => {
    expect(d.crashed('never-seen', T0)).toBe(false)
  })
})

describe('alert engine', () => {
  let stores: Stores
  let hub: ReturnType<typeof createEventHub>
  let now: number
  let sent: unknown[]
  const clock = { now: () => now }
  const build = async (defaults = DEFAULT_THRESHOLDS) => {
    const thresholds = createThresholds(stores.alertSettings, defaults, silentLogger)
    await thresholds.load()
    const engine = createAlertEngine({
      events: hub,
      store: stores.alertState,
      thresholds,
      webhook: { send: (p: unknown) => sent.push(p) } as never,
      logger: silentLogger,
      clock,
      identify: (serviceId) => ({ serviceId, containerId: 'c1', serviceName: serviceId }),
    })
    await engine.load()
    return { engine, thresholds }
  }
  const alertsPublished = () => {
    const ac = new AbortController()
    const got: Record<string, unknown>[] = []
    void (async () => {
      for await (const item of hub.subscribe({ signal: ac.signal, filter: { types: ['health-alert'] } }))
        if (item.kind === 'event') got.push(item.event.data)
    })()
    return { got, stop: () => ac.abort() }
  }
  const id = { serviceId: 'svc', containerId: 'c1', serviceName: 'svc' }

  beforeEach(async () => {
    stores = await createStores({ storage: 'memory', dataDir: '/nonexistent' })
    hub = createEventHub()
    now = T0
    sent = []
  })

  it('publishes one health-alert on fire and one resolved on clear, and sends both to the webhook', async () => {
    const { engine } = await build()
    const seen = alertsPublished()
    for (const cpu of [85, 90, 88, 82, 79, 90, 85, 70]) {
      now += 10_000
      engine.evaluate(id, input({ cpu }))
      engine.remind()
    }
    await new Promise((r) => setTimeout(r, 10))
    expect(seen.got.map((e) => `${e.rule}:${e.state}`)).toEqual(['cpu_warning:firing', 'cpu_warning:resolved'])
    expect(seen.got[0]).toMatchObject({
      serviceId: 'svc',
      containerId: 'c1',
      severity: 'warning',
      value: 88,
      threshold: 80,
      reminder: false,
      timestamp: expect.any(String),
    })
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({
      event: 'health-alert',
      text: expect.stringContaining('[FIRING] svc: cpu_warning'),
      alert: { state: 'firing' },
    })
    const list = engine.list()
    expect(list.active).toEqual([])
    expect(list.recent).toMatchObject([{ rule: 'cpu_warning', state: 'resolved', notifications: 2 }])
    seen.stop()
  })

  it('reminds every 30 minutes while firing; a warning stays quiet while its critical fires', async () => {
    const { engine } = await build()
    const seen = alertsPublished()
    for (let i = 0; i < 3; i++) {
      now += 10_000
      engine.evaluate(id, input({ cpu: 99 }))
    }
    now += 30 * MINUTE
    engine.evaluate(id, input({ cpu: 99 }))
    engine.remind()
    await new Promise((r) => setTimeout(r, 10))
    expect(seen.got.map((e) => `${e.rule}:${e.state}:${e.reminder}`)).toEqual([
      'cpu_warning:firing:false',
      'cpu_critical:firing:false',
      'cpu_critical:firing:true',
    ])
    seen.stop()
  })

  it('uses per-service thresholds over the global ones', async () => {
    const { engine, thresholds } = await build()
    await thresholds.setService('svc', { cpu: { warning: 50, warningClear: 40 }, consecutiveSamples: 1 })
    now += 1000
    engine.evaluate(id, input({ cpu: 60 }))
    engine.evaluate({ ...id, serviceId: 'other' }, input({ cpu: 60 }))
    expect(engine.list().active.map((a) => `${a.serviceId}:${a.rule}:${a.threshold}`)).toEqual(['svc:cpu_warning:50'])
  })

  it('a restarted agent restores firing alerts without firing them again, and resolves them later', async () => {
    const first = await build({ ...DEFAULT_THRESHOLDS, consecutiveSamples: 1 })
    now += 1000
    first.engine.evaluate(id, input({ running: false, status: 'down', cpu: null, memory: null, crashed: true }))
    await first.engine.flush()
    const seen = alertsPublished()
    const second = await build({ ...DEFAULT_THRESHOLDS, consecutiveSamples: 1 })
    expect(second.engine.list().active.map((a) => a.rule)).toEqual(['container_down'])
    now += 1000
    // After a restart the agent has not seen the death: no opinion, it stays firing.
    second.engine.evaluate(id, input({ running: false, status: 'down', cpu: null, memory: null, crashed: null }))
    now += 1000
    second.engine.evaluate(id, input())
    await new Promise((r) => setTimeout(r, 10))
    expect(seen.got.map((e) => `${e.rule}:${e.state}`)).toEqual(['container_down:resolved'])
    seen.stop()
  })

  it('takes conditions from other features (backup_missing): fires at once, repeats quietly, resolves', async () => {
    const { engine } = await build()
    const seen = alertsPublished()
    await engine.setCondition('svc', 'backup_missing', true, { message: 'No backup in 26 h', value: 26, threshold: 24 })
    await engine.setCondition('svc', 'backup_missing', true, { message: 'No backup in 27 h', value: 27, threshold: 24 })
    expect(engine.list().active).toMatchObject([
      { rule: 'backup_missing', severity: 'warning', value: 27, containerId: 'c1' },
    ])
    await engine.setCondition('svc', 'backup_missing', false)
    await new Promise((r) => setTimeout(r, 10))
    expect(seen.got.map((e) => `${e.rule}:${e.state}`)).toEqual(['backup_missing:firing', 'backup_missing:resolved'])
    seen.stop()
  })

  it('resolves an alert whose rule is turned off, and fires nothing for it after', async () => {
    const { engine, thresholds } = await build({ ...DEFAULT_THRESHOLDS, consecutiveSamples: 1 })
    engine.evaluate(id, input({ status: 'unhealthy' }))
    expect(engine.list().active.map((a) => a.rule)).toEqual(['unhealthy'])
    await thresholds.setGlobal({ disabledRules: ['unhealthy'] })
    engine.evaluate(id, input({ status: 'unhealthy' }))
    expect(engine.list().active).toEqual([])
    expect(engine.list().recent[0]).toMatchObject({ rule: 'unhealthy', message: 'The rule was turned off' })
  })

  it('forgets a removed service: resolves what fired, then drops its state and stored record', async () => {
    const { engine } = await build({ ...DEFAULT_THRESHOLDS, consecutiveSamples: 1 })
    engine.evaluate(id, input({ cpu: 99 }))
    await engine.flush()
    expect(await stores.storage.getKeys('alert-state')).toEqual(['alert-state:svc'])
    await engine.forget('svc')
    expect(engine.list()).toEqual({ active: [], recent: [] })
    expect(await stores.storage.getKeys('alert-state')).toEqual([])
  })

  it('refuses thresholds that would clear above where they fire', async () => {
    const { thresholds } = await build()
    await expect(thresholds.setGlobal({ cpu: { warningClear: 85 } })).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ path: 'cpu.warningClear' })],
    })
    await expect(thresholds.setService('svc', { memory: { critical: 70 } })).rejects.toMatchObject({ status: 400 })
  })
})
