/**
 * An image pull's download as the agent and the deploy page both count it, from the per-layer
 * fields of `deployment-progress` (`layerStatus`, `layerCurrent`, `layerTotal`). One fold for
 * both, so the overall bar the agent computes and the bytes the page shows always agree.
 * Pure: the agent and the browser bundle import it.
 */

/** One image layer during a pull. */
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

/**
 * Bytes downloaded and to download over the layers whose size is known; undefined while no
 * layer's size is (the registry has not answered yet, or every layer was already here).
 */
export function pullTotals(layers: Iterable<LayerState>): { current: number; total: number } | undefined {
  let current = 0
  let total = 0
  for (const layer of layers) {
    if (!layer.size) continue
    total += layer.size
    current += layer.downloaded ?? 0
  }
  return total ? { current, total } : undefined
}

const MB = 1024 * 1024

/** "1.5 of 4.0 MB", as the page shows a download. */
export const bytesOf = (current: number, total: number) =>
  `${(current / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB`
