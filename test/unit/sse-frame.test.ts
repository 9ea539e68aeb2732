import { describe, expect, it } from 'vitest'
import { encodeFrame } from '../../src/events/frame'

const text = (frame: Uint8Array) => new TextDecoder().decode(frame)

describe('SSE frames', () => {
  it('splits multi-line data into data lines, as the spec joins them back', () => {
    expect(text(encodeFrame({ id: '1', event: 'log', data: 'a\nb\r\nc' }))).toBe(
      'id: 1\nevent: log\ndata: a\ndata: b\ndata: c\n\n',
    )
  })

  it('drops line breaks from id and event so a field cannot be forged', () => {
    expect(text(encodeFrame({ id: '1\nevent: reset', event: 'x\r\ndata: forged', data: '{}' }))).toBe(
      'id: 1event: reset\nevent: xdata: forged\ndata: {}\n\n',
    )
  })
})
