import { z } from 'zod'
import { ServiceRef } from './service'

export const ServiceParams = z.object({ containerId: ServiceRef })

/** `?flag=true|false|1|0`, as query strings carry booleans. */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
