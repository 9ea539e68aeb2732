import { Hono } from 'hono'
import type { AppEnv } from './deps'

/** A router typed with our dependencies; every handler file starts from one. */
export const createRouter = () => new Hono<AppEnv>()
