import { describe, expect, it } from 'vitest'
import { foldLayer, type LayerState, pullTotals } from '../../src/deploy/pull'

describe('foldLayer (the deploy page’s image download)', () => {
  const fold = (...events: Record<string, unknown>[]) =>
    events.reduce<LayerState | undefined>((old, e) => foldLayer(old, e), undefined)

  it('counts downloaded bytes, and all of them once the download is complete, not the extraction’s', () => {
    expect(
      fold(
        { layerStatus: 'Pulling fs layer' },
        { layerStatus: 'Downloading', layerCurrent: 100, layerTotal: 400 },
        { layerStatus: 'Downloading', layerCurrent: 300, layerTotal: 400 },
      ),
    ).toEqual({ status: 'Downloading', downloaded: 300, size: 400 })
    // Extracting reports uncompressed bytes: the bar stays full instead of dropping back.
    expect(
      fold(
        { layerStatus: 'Downloading', layerCurrent: 100, layerTotal: 400 },
        { layerStatus: 'Download complete' },
        { layerStatus: 'Extracting', layerCurrent: 10, layerTotal: 9000 },
      ),
    ).toEqual({ status: 'Extracting', downloaded: 400, size: 400 })
  })

  it('never goes backwards when Docker retries a layer, and keeps the retry as the status', () => {
    expect(
      fold(
        { layerStatus: 'Downloading', layerCurrent: 300, layerTotal: 400 },
        { layerStatus: 'Retrying in 5 seconds' },
        { layerStatus: 'Downloading', layerCurrent: 50, layerTotal: 400 },
      ),
    ).toEqual({ status: 'Downloading', downloaded: 300, size: 400 })
    expect(fold({ layerStatus: 'Already exists' })).toEqual({ status: 'Already exists' })
  })
})

describe('pullTotals (the whole image’s download)', () => {
  it('adds the layers whose size is known, and knows nothing before any is', () => {
    expect(pullTotals([{ status: 'Waiting' }, { status: 'Pulling fs layer' }])).toBeUndefined()
    expect(pullTotals([{ status: 'Already exists' }])).toBeUndefined()
    expect(
      pullTotals([
        { status: 'Downloading', downloaded: 100, size: 400 },
        { status: 'Download complete', downloaded: 600, size: 600 },
        { status: 'Waiting' },
      ]),
    ).toEqual({ current: 700, total: 1000 })
  })
})
