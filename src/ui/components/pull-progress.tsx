import { bytesOf, type LayerState, pullTotals } from '../../deploy/pull'
import { Progress } from './bits'

/** What the user reads for a layer: Docker's words, in ours where they are cryptic. */
function layerText(layer: LayerState): string {
  if (layer.status === 'Already exists') return 'already on this host'
  if (layer.status === 'Pulling fs layer' || layer.status === 'Waiting') return 'waiting'
  const retry = /^Retrying in (\d+) seconds?$/.exec(layer.status)
  if (retry) return `download interrupted, retrying in ${retry[1]} s`
  if (layer.status === 'Downloading' && layer.size) return bytesOf(layer.downloaded ?? 0, layer.size)
  if (layer.status === 'Pull complete') return 'done'
  return layer.status.toLowerCase()
}

/** The image download of a deploy: one bar for all its bytes, and each layer's state. */
export function PullProgress({ layers, done }: { layers: Record<string, LayerState>; done: boolean }) {
  const { current: downloaded, total } = pullTotals(Object.values(layers)) ?? { current: 0, total: 0 }
  const percent = done ? 100 : total ? Math.floor((downloaded / total) * 100) : null
  return (
    <div data-testid="pull-progress">
      <h3>{done ? 'Image downloaded' : 'Downloading the image'}</h3>
      <Progress value={percent} label="Image download" />
      <p class="small" data-testid="pull-bytes">
        {total
          ? bytesOf(done ? total : downloaded, total)
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
