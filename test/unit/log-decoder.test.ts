import { describe, expect, it } from 'vitest'
import { decodeLogs, LogDecoder } from '../../src/agent/log-decoder'

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8')
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

describe('LogDecoder', () => {
  it('separates stdout and stderr of a multiplexed stream', () => {
    const bytes = Buffer.concat([frame(1, 'one\ntwo\n'), frame(2, 'oops\n'), frame(1, 'three\n')])
    expect(decodeLogs(bytes, false, false)).toEqual([
      { stream: 'stdout', message: 'one' },
      { stream: 'stdout', message: 'two' },
      { stream: 'stderr', message: 'oops' },
      { stream: 'stdout', message: 'three' },
    ])
  })

  it('reassembles frames and multi-byte characters split across chunks', () => {
    const bytes = Buffer.concat([frame(1, 'héllo wörld\n'), frame(1, 'end\n')])
    const decoder = new LogDecoder(false, false)
    const lines = []
    for (let i = 0; i < bytes.length; i += 3) lines.push(...decoder.push(bytes.subarray(i, i + 3)))
    expect(lines.map((l) => l.message)).toEqual(['héllo wörld', 'end'])
  })

  it('reads a TTY stream as raw text and strips carriage returns', () => {
    expect(decodeLogs(Buffer.from('a\r\nb\r\nlast'), true, false)).toEqual([
      { stream: 'stdout', message: 'a' },
      { stream: 'stdout', message: 'b' },
      { stream: 'stdout', message: 'last' },
    ])
  })

  it('splits Docker timestamps into their own field', () => {
    const [line] = decodeLogs(frame(1, '2026-11-26T10:00:00.123456789Z hello there\n'), false, true)
    expect(line).toEqual({ stream: 'stdout', timestamp: '2026-11-26T10:00:00.123456789Z', message: 'hello there' })
  })

  it('cuts a line longer than the cap, even one that arrives in many chunks, and marks it', () => {
    const decoder = new LogDecoder(true, false, 10)
    const out = [
      ...decoder.push(Buffer.from('short\nabcdefgh')),
      ...decoder.push(Buffer.from('ijklmnop')),
      ...decoder.push(Buffer.from('qrstuvwxyz')),
      ...decoder.push(Buffer.from('tail\nnext\n0123456789ABC')),
      ...decoder.end(),
    ]
    expect(out).toEqual([
      { stream: 'stdout', message: 'short' },
      { stream: 'stdout', message: 'abcdefghij', truncated: true },
      { stream: 'stdout', message: 'next' },
      { stream: 'stdout', message: '0123456789', truncated: true },
    ])
  })
})
