import {
  HISTORY_FIELDS,
  type BucketPoint,
  type HistoryField,
  type RawPoint,
  type ServiceMetrics,
  type Spread,
  type TimeRange,
} from '../../schemas/monitoring'
import { Ring } from './ring'

const W = HISTORY_FIELDS.length
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export type TierName = 'raw' | '1m' | '10m' | '1h'
export const TIER_NAMES: readonly TierName[] = ['raw', '1m', '10m', '1h']

export interface TierSpec {
  name: TierName
  /** 0 for raw samples, else the width of a min/avg/max bucket. */
  bucketMs: number
  /** How far back the tier reaches. */
  spanMs: number
  /** Persisted in pieces of this length, so a flush rewrites only the recent piece. */
  chunkMs: number
  /** Rows the tier may hold: its memory bound. */
  capacity: number
}

/**
 * Raw samples for the last hour, then min/avg/max buckets: 1 minute for 6 hours, 10 minutes for
 * 7 days, 1 hour for the whole retention. `minIntervalMs` (the shortest sampling interval)
 * bounds the raw tier.
 */
export function tierSpecs(retentionMs: number, minIntervalMs = 1000): TierSpec[] {
  const span = (ms: number) => Math.min(ms, retentionMs)
  const tier = (name: TierName, bucketMs: number, spanMs: number, chunkMs: number): TierSpec => ({
    name,
    bucketMs,
    spanMs,
    chunkMs,
    capacity: Math.ceil(spanMs / (bucketMs || minIntervalMs)) + 1,
  })
  return [
    tier('raw', 0, span(HOUR), 10 * MINUTE),
    tier('1m', MINUTE, span(6 * HOUR), HOUR),
    tier('10m', 10 * MINUTE, span(7 * DAY), 12 * HOUR),
    tier('1h', HOUR, retentionMs, 5 * DAY),
  ]
}

/** Which tier answers which chart range. */
export const RANGES: Record<TimeRange, { tier: TierName; ms: number }> = {
  '1h': { tier: 'raw', ms: HOUR },
  '6h': { tier: '1m', ms: 6 * HOUR },
  '24h': { tier: '10m', ms: DAY },
  '7d': { tier: '10m', ms: 7 * DAY },
  '30d': { tier: '1h', ms: 30 * DAY },
}

/** The numbers of a sample that history keeps; NaN where a value is unknown. */
export function historyRow(m: ServiceMetrics): number[] {
  const v = (x: number | null | undefined) => (x == null ? NaN : x)
  return [
    v(m.cpu.percentage),
    m.memory.usage,
    m.memory.percentage,
    v(m.network.rxRate),
    v(m.network.txRate),
    v(m.blockIO.readRate),
    v(m.blockIO.writeRate),
    v(m.pids),
  ]
}

/** A bucket being filled. */
class OpenBucket {
  count = 0
  readonly min = new Float64Array(W).fill(Infinity)
  readonly max = new Float64Array(W).fill(-Infinity)
  readonly sum = new Float64Array(W)
  readonly n = new Float64Array(W)
  constructor(readonly start: number) {}

  add(values: ArrayLike<number>) {
    this.count += 1
    for (let f = 0; f < W; f++) {
      const x = values[f]!
      if (Number.isNaN(x)) continue
      if (x < this.min[f]!) this.min[f] = x
      if (x > this.max[f]!) this.max[f] = x
      this.sum[f] = this.sum[f]! + x
      this.n[f] = this.n[f]! + 1
    }
  }

  /** [count, min×W, avg×W, max×W]. */
  row(): number[] {
    const row = [this.count]
    for (let f = 0; f < W; f++) row.push(this.n[f] ? this.min[f]! : NaN)
    for (let f = 0; f < W; f++) row.push(this.n[f] ? this.sum[f]! / this.n[f]! : NaN)
    for (let f = 0; f < W; f++) row.push(this.n[f] ? this.max[f]! : NaN)
    return row
  }

  toJSON() {
    return {
      start: this.start,
      count: this.count,
      min: [...this.min],
      max: [...this.max],
      sum: [...this.sum],
      n: [...this.n],
    }
  }

  static fromJSON(j: ReturnType<OpenBucket['toJSON']>): OpenBucket {
    const b = new OpenBucket(j.start)
    b.count = j.count
    // JSON writes ±Infinity as null; an empty field is recognised by n = 0 anyway.
    b.min.set(j.min.map((x) => x ?? Infinity))
    b.max.set(j.max.map((x) => x ?? -Infinity))
    b.sum.set(j.sum)
    b.n.set(j.n)
    return b
  }
}

/** A persisted piece of one tier: base64 of the float64 times and float32 values. */
export interface HistoryChunk {
  v: 1
  w: number
  t: string
  d: string
}

export class CorruptHistoryError extends Error {}

const b64 = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')

function decode(chunk: HistoryChunk, width: number): { times: Float64Array; values: Float32Array } {
  if (chunk?.v !== 1 || chunk.w !== width || typeof chunk.t !== 'string' || typeof chunk.d !== 'string') {
    throw new CorruptHistoryError('unknown history chunk format')
  }
  const tb = Buffer.from(chunk.t, 'base64')
  const db = Buffer.from(chunk.d, 'base64')
  if (tb.byteLength % 8 || db.byteLength !== (tb.byteLength / 8) * width * 4)
    throw new CorruptHistoryError('history chunk sizes do not match')
  // Copies: Buffer.from may share a pool whose offset is not aligned for typed arrays.
  return {
    times: new Float64Array(new Uint8Array(tb).buffer),
    values: new Float32Array(new Uint8Array(db).buffer),
  }
}

interface Tier {
  spec: TierSpec
  ring: Ring
  open: OpenBucket | null
  /** Chunk starts changed since the last flush. */
  dirty: Set<number>
}

const r2 = (x: number) => Math.round(x * 100) / 100
const formatValue = (field: HistoryField, x: number) =>
  field === 'cpu' || field === 'memoryPercent' ? r2(x) : Math.round(x)

/**
 * One service's metrics history: bounded by time (retention) and by memory (each tier's
 * capacity), served as raw points for short ranges and min/avg/max buckets for long ones.
 */
export class ServiceHistory {
  private readonly tiers: Tier[]

  constructor(readonly specs: TierSpec[]) {
    this.tiers = specs.map((spec) => ({
      spec,
      ring: new Ring(spec.bucketMs ? 1 + 3 * W : W, spec.capacity),
      open: null,
      dirty: new Set(),
    }))
  }

  private tier(name: TierName): Tier {
    return this.tiers.find((t) => t.spec.name === name)!
  }

  private chunkOf(spec: TierSpec, t: number) {
    return Math.floor(t / spec.chunkMs) * spec.chunkMs
  }

  append(t: number, values: ArrayLike<number>) {
    for (const tier of this.tiers) {
      const { spec } = tier
      if (!spec.bucketMs) {
        tier.ring.push(t, values)
        tier.dirty.add(this.chunkOf(spec, t))
      } else {
        const start = Math.floor(t / spec.bucketMs) * spec.bucketMs
        if (tier.open && tier.open.start !== start) this.close(tier)
        tier.open ??= new OpenBucket(start)
        tier.open.add(values)
      }
      tier.ring.dropBefore(t - spec.spanMs)
    }
  }

  private close(tier: Tier) {
    const open = tier.open!
    tier.ring.push(open.start, open.row())
    tier.dirty.add(this.chunkOf(tier.spec, open.start))
    tier.open = null
  }

  /** Bytes held by the rings. */
  get bytes() {
    return this.tiers.reduce((sum, t) => sum + t.ring.bytes, 0)
  }

  query(
    range: TimeRange,
    now: number,
  ): { resolution: 'raw' | '1m' | '10m' | '1h'; points: RawPoint[] | BucketPoint[] } {
    const { tier: name, ms } = RANGES[range]
    const tier = this.tier(name)
    const from = now - ms
    if (name === 'raw') {
      const points: RawPoint[] = []
      tier.ring.forEach(from, Infinity, (t, row) => {
        const p = { timestamp: new Date(t).toISOString() } as RawPoint
        for (const [i, f] of HISTORY_FIELDS.entries()) p[f] = Number.isNaN(row[i]!) ? null : formatValue(f, row[i]!)
        points.push(p)
      })
      return { resolution: 'raw', points }
    }
    const points: BucketPoint[] = []
    const emit = (t: number, row: ArrayLike<number>) => {
      const p = { timestamp: new Date(t).toISOString(), samples: row[0]! } as BucketPoint
      HISTORY_FIELDS.forEach((f, i) => {
        const [min, avg, max] = [row[1 + i]!, row[1 + W + i]!, row[1 + 2 * W + i]!]
        p[f] = Number.isNaN(avg)
          ? null
          : ({ min: formatValue(f, min), avg: formatValue(f, avg), max: formatValue(f, max) } satisfies Spread)
      })
      points.push(p)
    }
    tier.ring.forEach(from - tier.spec.bucketMs, Infinity, emit)
    if (tier.open && tier.open.count > 0) emit(tier.open.start, tier.open.row())
    return { resolution: name, points }
  }

  // ---- persistence ----

  /** Chunks changed since the last call, each with its full current content. */
  takeDirtyChunks(): { tier: TierName; start: number; chunk: HistoryChunk }[] {
    const out: { tier: TierName; start: number; chunk: HistoryChunk }[] = []
    for (const tier of this.tiers) {
      for (const start of tier.dirty) {
        const times: number[] = []
        const rows: number[] = []
        tier.ring.forEach(start, start + tier.spec.chunkMs, (t, row) => {
          times.push(t)
          rows.push(...row)
        })
        if (times.length)
          out.push({
            tier: tier.spec.name,
            start,
            chunk: { v: 1, w: tier.ring.width, t: b64(new Float64Array(times)), d: b64(new Float32Array(rows)) },
          })
      }
      tier.dirty.clear()
    }
    return out
  }

  /** The buckets still being filled, so a restart does not lose the current minute or hour. */
  openBuckets(): Partial<Record<TierName, ReturnType<OpenBucket['toJSON']>>> {
    const out: Partial<Record<TierName, ReturnType<OpenBucket['toJSON']>>> = {}
    for (const tier of this.tiers) if (tier.open) out[tier.spec.name] = tier.open.toJSON()
    return out
  }

  /** Chunks that lie entirely before their tier's span: delete them from the store. */
  isExpired(tier: TierName, start: number, now: number): boolean {
    const spec = this.tier(tier)?.spec
    return !spec || start + spec.chunkMs < now - spec.spanMs
  }

  /** Loads persisted chunks (any order) and open buckets. Throws CorruptHistoryError on bad data. */
  restore(
    chunks: { tier: TierName; start: number; chunk: HistoryChunk }[],
    open: Partial<Record<TierName, ReturnType<OpenBucket['toJSON']>>> | null,
    now: number,
  ) {
    for (const { tier: name, chunk } of [...chunks].sort((a, b) => a.start - b.start)) {
      const tier = this.tiers.find((t) => t.spec.name === name)
      if (!tier) continue
      const { times, values } = decode(chunk, tier.ring.width)
      for (const [k, t] of times.entries())
        tier.ring.push(t, values.subarray(k * tier.ring.width, (k + 1) * tier.ring.width))
      tier.ring.dropBefore(now - tier.spec.spanMs)
    }
    for (const tier of this.tiers) {
      const saved = open?.[tier.spec.name]
      if (!saved || !tier.spec.bucketMs) continue
      if (!Array.isArray(saved.min) || saved.min.length !== W)
        throw new CorruptHistoryError('open bucket has the wrong shape')
      tier.open = OpenBucket.fromJSON(saved)
    }
  }
}
