/**
 * A small SVG time-series chart: lines, and a min–max band where the history is bucketed.
 * Hand-written instead of a chart library: four charts of a few hundred points each need ~80
 * lines, no canvas, no extra kilobytes, and SVG stays crisp and styleable under the strict CSP.
 */
export interface Series {
  label: string
  /** CSS class of the line: `line` or `line2`. */
  cls: string
  values: (number | null)[]
  band?: { min: (number | null)[]; max: (number | null)[] }
}

const W = 400
const H = 150
const PAD = { left: 4, right: 4, top: 14, bottom: 16 }

const finite = (v: number | null | undefined): v is number => v != null && Number.isFinite(v)

/** A line through the values; a value with no neighbour (one bucket in a long range) is a short dash, not nothing. */
function path(times: number[], values: (number | null)[], x: (t: number) => number, y: (v: number) => number) {
  let d = ''
  values.forEach((v, i) => {
    if (!finite(v)) return
    const px = x(times[i]!)
    const py = y(v).toFixed(1)
    const joined = finite(values[i - 1])
    if (!joined && !finite(values[i + 1])) d += `M${(px - 3).toFixed(1)},${py}L${(px + 3).toFixed(1)},${py}`
    else d += `${joined ? 'L' : 'M'}${px.toFixed(1)},${py}`
  })
  return d
}

/** The min–max band; a single bucket is a small bar from its minimum to its maximum. */
function bandPath(
  times: number[],
  min: (number | null)[],
  max: (number | null)[],
  x: (t: number) => number,
  y: (v: number) => number,
) {
  const pts = times.map((t, i) => ({ t, lo: min[i], hi: max[i] })).filter((p) => finite(p.lo) && finite(p.hi))
  if (pts.length === 0) return ''
  if (pts.length === 1) {
    const { t, lo, hi } = pts[0]!
    const top = y(hi!)
    const bottom = Math.max(y(lo!), top + 2)
    const [l, r] = [x(t) - 3, x(t) + 3].map((v) => v.toFixed(1))
    return `M${l},${top.toFixed(1)}L${r},${top.toFixed(1)}L${r},${bottom.toFixed(1)}L${l},${bottom.toFixed(1)}Z`
  }
  const top = pts.map((p) => `${x(p.t).toFixed(1)},${y(p.hi!).toFixed(1)}`)
  const bottom = pts.reverse().map((p) => `${x(p.t).toFixed(1)},${y(p.lo!).toFixed(1)}`)
  return `M${top.join('L')}L${bottom.join('L')}Z`
}

export function Chart({
  title,
  times,
  series,
  format,
  from,
  to,
}: {
  title: string
  times: number[]
  series: Series[]
  format: (v: number) => string
  from: number
  to: number
}) {
  const all = series
    .flatMap((s) => [...s.values, ...(s.band?.max ?? [])])
    .filter((v): v is number => v !== null && Number.isFinite(v))
  const max = Math.max(1e-9, ...all) * 1.1
  const span = Math.max(1, to - from)
  const x = (t: number) => PAD.left + ((t - from) / span) * (W - PAD.left - PAD.right)
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom)
  const lastAt = series.map((s) => s.values.findLastIndex((v) => finite(v)))
  const last = series.map((s, i) => (lastAt[i]! >= 0 ? s.values[lastAt[i]!] : null))
  /** Where the history is bucketed, the legend names the latest bucket's minimum and maximum too. */
  const spread = (s: Series, i: number) => {
    const lo = s.band?.min[lastAt[i]!]
    const hi = s.band?.max[lastAt[i]!]
    return finite(lo) && finite(hi) ? ` (min ${format(lo)}, max ${format(hi)})` : ''
  }
  const summary = series
    .map((s, i) => `${s.label} ${last[i] == null ? 'no data' : format(last[i]!)}${spread(s, i)}`)
    .join(', ')
  return (
    <figure class="chart card" data-chart={title}>
      <figcaption>
        <strong>{title}</strong>{' '}
        <span class="legend">
          {series.map((s, i) => (
            <span class={s.cls === 'line2' ? 'k2' : ''}>
              {' '}
              {s.label}: {last[i] == null ? '—' : format(last[i]!)}
              {spread(s, i)}
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${all.length ? summary : 'no data yet'}`}
      >
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        {series.map((s) => (s.band ? <path class="band" d={bandPath(times, s.band.min, s.band.max, x, y)} /> : null))}
        {series.map((s) => (
          <path class={s.cls} d={path(times, s.values, x, y)} />
        ))}
        <text x={PAD.left} y={10}>
          {all.length ? format(max / 1.1) : 'No data yet'}
        </text>
        <text x={PAD.left} y={H - 3}>
          {new Date(from).toLocaleString()}
        </text>
        <text x={W - PAD.right} y={H - 3} text-anchor="end">
          {new Date(to).toLocaleTimeString()}
        </text>
      </svg>
    </figure>
  )
}
