import type { AppEvent } from './types'

const encoder = new TextEncoder()

/** Bytes that every stream sends as they are: encoded once for the process. */
export const CONNECTED_FRAME = encoder.encode('retry: 2000\n: connected\n\n')
export const HEARTBEAT_FRAME = encoder.encode(': heartbeat\n\n')

/**
 * One SSE frame as bytes. Built once per event and written as-is to every subscriber, so
 * fan-out costs no per-subscriber `JSON.stringify` or text encoding. A line break in `data`
 * becomes another `data:` line (as the spec joins them back); one in `id` or `event` would
 * start a forged field, so it is dropped.
 */
export function encodeFrame(fields: { id?: string; event: string; data: string }): Uint8Array {
  let text = ''
  if (fields.id !== undefined) text += `id: ${oneLine(fields.id)}\n`
  text += `event: ${oneLine(fields.event)}\n`
  for (const line of fields.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`
  return encoder.encode(`${text}\n`)
}

export function eventFrame(event: AppEvent): Uint8Array {
  return encodeFrame({ id: event.id, event: event.type, data: JSON.stringify(event.data) })
}

/** A `reset`: like every event it says when (README, event table). */
export function resetFrame(reason: string, timestamp: string): Uint8Array {
  return encodeFrame({ event: 'reset', data: JSON.stringify({ reason, timestamp }) })
}

const oneLine = (value: string) => value.replace(/[\r\n]/g, '')
