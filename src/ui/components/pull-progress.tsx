import { Progress } from './bits'

/** One image layer as the deploy page shows it while the engine pulls. */
export interface LayerState {
  status: string
  /** Compressed bytes downloaded so far, and the layer's download size once Docker knows it. */
  downloaded?: number
  size?: number
}

// After these the layer's bytes are all here (extracting reports other, uncompressed, numbers).
const DOWNLOADED = new Set(['Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete'])

/** Folds one layer event of `deployment-progress` into the layer's state. */
export function foldLayer(old: LayerState | undefined, data: Record<string, unknown>): LayerState {
  const status = typeof data.layerStatus === 'string' ? data.layerStatus : (old?.status ?? '')
  const next: LayerState = { ...old, status }
  const current = typeof data.layerCurrent === 'number' ? data.layerCurrent : undefined
  const total = typeof data.layerTotal === 'number' ? data.layerTotal : undefined
  if (status === 'Downloading' && current !== undefined && total) {
    next.size = total
    // Never backwards: a resumed download restarts its count at the resume point.
    next.downloaded = Math.max(old?.downloaded ?? 0, Math.min(current, total))
  } else if (DOWNLOADED.has(status) && next.size !== undefined) next.downloaded = next.size
  return next
}

const MB = 1024 * 1024
const mb = (n: number) => (n / MB).toFixed(1)

/** What the user reads for a layer: Docker's words, in ours where they are cryptic. */
function layerText(layer: LayerState): string {
  if (layer.status === 'Already exists') return 'already on this host'
  if (layer.status === 'Pulling fs layer' || layer.status === 'Waiting') return 'waiting'
  const retry = /^Retrying in (\d+) seconds?$/.exec(layer.status)
  if (retry) return `download interrupted, retrying in ${retry[1]} s`
  if (layer.status === 'Downloading' && layer.size) return `${mb(layer.downloaded ?? 0)} of ${mb(layer.size)} MB`
  if (layer.status === 'Pull complete') return 'done'
  return layer.status.toLowerCase()
}

/** The image download of a deploy: one bar for all its bytes, and each layer's state. */
export function PullProgress({ layers, done }: { layers: Record<string, LayerState>; done: boolean }) {
  const sized = Object.values(layers).filter((l) => l.size)
  const total = sized.reduce((n, l) => n + (l.size ?? 0), 0)
  const downloaded = sized.reduce((n, l) => n + (l.downloaded ?? 0), 0)
  const percent = done ? 100 : total ? Math.floor((downloaded / total) * 100) : null
  return (
    <div data-testid="pull-progress">
      <h3>{done ? 'Image downloaded' : 'Downloading the image'}</h3>
      <Progress value={percent} label="Image download" />
      <p class="small" data-testid="pull-bytes">
        {total
          ? `${mb(done ? total : downloaded)} of ${mb(total)} MB`
          : done
            ? 'Every layer was already on this host'
            : 'Waiting for the registry…'}
      </p>
      <ul class="layers small">
        {Object.entries(layers).map(([id, layer]) => (
          <li>
            <code>{id}</code> {layerText(layer)}
          </li>
        ))}
      </ul>
    </div>
  )
}
