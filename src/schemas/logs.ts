import { z } from 'zod'
import { QueryBool } from './params'
import type { LogLine } from './service'

/** `since`: Unix seconds or an ISO date; passed to Docker as Unix seconds. */
const Since = z.union([
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((v) => Math.floor(Date.parse(v) / 1000)),
])

export const LogsQuery = z.strictObject({
  tail: z.coerce.number().int().min(1).max(5000).default(100),
  since: Since.optional(),
  timestamps: QueryBool.default(false),
  follow: QueryBool.default(false),
})

/** The lines as one text, each with its timestamp when it has one. */
export const logsText = (lines: readonly LogLine[]) =>
  lines.map((l) => (l.timestamp ? `${l.timestamp} ${l.message}` : l.message)).join('\n')
