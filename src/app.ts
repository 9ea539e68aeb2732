import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { RouterRoute } from 'hono/types'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import deployCreate from '../handlers/deploy/create'
import deployGet from '../handlers/deploy/get'
import deployServiceTiers from '../handlers/deploy/service-tiers'
import deployServices from '../handlers/deploy/services'
import backupsCreate from '../handlers/backups/create'
import backupsDelete from '../handlers/backups/delete'
import backupsDownload from '../handlers/backups/download'
import backupsList from '../handlers/backups/list'
import backupsRestore from '../handlers/backups/restore'
import backupsScheduleDelete from '../handlers/backups/schedule-delete'
import backupsScheduleGet from '../handlers/backups/schedule-get'
import backupsSchedulePut from '../handlers/backups/schedule-put'
import backupsStorage from '../handlers/backups/storage'
import backupsUpload from '../handlers/backups/upload'
import backupsAll from '../handlers/backups/all'
import backupsDeleteById from '../handlers/backups/delete-by-id'
import backupsDownloadById from '../handlers/backups/download-by-id'
import backupsRestoreNew from '../handlers/backups/restore-new'
import bulkRun from '../handlers/bulk/run'
import alertsList from '../handlers/alerts/list'
import alertsServiceThresholdsGet from '../handlers/alerts/service-thresholds-get'
import alertsServiceThresholdsSet from '../handlers/alerts/service-thresholds-set'
import alertsThresholdsGet from '../handlers/alerts/thresholds-get'
import alertsThresholdsSet from '../handlers/alerts/thresholds-set'
import alertsWebhookGet from '../handlers/alerts/webhook-get'
import alertsWebhookSet from '../handlers/alerts/webhook-set'
import alertsWebhookTest from '../handlers/alerts/webhook-test'
import docsOpenapi from '../handlers/docs/openapi'
import docsPage from '../handlers/docs/page'
import docsScript from '../handlers/docs/script'
import docsStyle from '../handlers/docs/style'
import healthGet from '../handlers/health/get'
import eventsStream from '../handlers/events/stream'
import eventsTicket from '../handlers/events/ticket'
import monitoringHealth from '../handlers/monitoring/health'
import monitoringHealthAll from '../handlers/monitoring/health-all'
import monitoringMetrics from '../handlers/monitoring/metrics'
import monitoringStart from '../handlers/monitoring/start'
import monitoringStatus from '../handlers/monitoring/status'
import monitoringStop from '../handlers/monitoring/stop'
import monitoringSystemMetrics from '../handlers/monitoring/system-metrics'
import servicesDelete from '../handlers/services/delete'
import servicesGet from '../handlers/services/get'
import servicesList from '../handlers/services/list'
import servicesLogs from '../handlers/services/logs'
import servicesRestart from '../handlers/services/restart'
import servicesStart from '../handlers/services/start'
import servicesStop from '../handlers/services/stop'
import templatesClone from '../handlers/templates/clone'
import templatesCreate from '../handlers/templates/create'
import templatesDelete from '../handlers/templates/delete'
import templatesExportAlias from '../handlers/templates/export-alias'
import templatesExportAll from '../handlers/templates/export-all'
import templatesExportOne from '../handlers/templates/export-one'
import templatesGet from '../handlers/templates/get'
import templatesImport from '../handlers/templates/import'
import templatesList from '../handlers/templates/list'
import templatesUpdate from '../handlers/templates/update'
import templatesValidate from '../handlers/templates/validate'
import uiAsset from '../handlers/ui/asset'
import uiPage from '../handlers/ui/page'
import sessionCreate from '../handlers/session/create'
import sessionDelete from '../handlers/session/delete'
import sessionGet from '../handlers/session/get'
import { requireAuth } from './auth'
import { corsFromConfig } from './cors'
import type { AppDeps, AppEnv } from './deps'
import { tooLarge } from './errors'
import { handleError, handleNotFound } from './error-handler'
import { limitFollowStreams } from './follow-limit'
import { buildDocument } from './openapi/document'
import { collectRoutes } from './openapi/registry'
import { isRouteDocOnly } from './openapi/describe'
import { checkJsonBody } from './json-body'
import { CachedRouter } from './cached-router'
import { chain } from './middleware-chain'
import { rateLimit } from './rate-limit'
import { requestId } from './request-id'
import { requestLog } from './request-log'
import { sessionAuth, sessionSignInToken, unlessSignedIn } from './session-auth'
import { ARCHIVE_CONTENT_TYPE } from './schemas/backup'

export type ResolveDeps = (c: Context) => AppDeps | Promise<AppDeps>

const injectDeps = (resolveDeps: ResolveDeps, openapi: () => Record<string, unknown>) => {
  const inject = (c: Context<AppEnv>, deps: AppDeps) => {
    c.set('config', deps.config)
    c.set('stores', deps.stores)
    c.set('agent', deps.agent)
    c.set('events', deps.events)
    c.set('clock', deps.clock)
    c.set('logger', deps.logger)
    c.set('authenticated', false)
    c.set('client', deps.clientAddress?.(c) || 'unknown')
    c.set('openapi', openapi)
    if (deps.secretCheck) c.set('secretCheck', deps.secretCheck)
  }
  return createMiddleware<AppEnv>((c, next) => {
    const deps = resolveDeps(c)
    // Node hands its dependencies over at once (no await per request); Workers may build them first.
    if (deps instanceof Promise)
      return deps.then((d) => {
        inject(c, d)
        return next()
      })
    inject(c, deps)
    return next()
  })
}

/**
 * Backup uploads (an archive content type on the upload route) stream to the agent under their
 * own limit, ZAPIE_UPLOAD_LIMIT, enforced there. Anything else on that route — JSON included,
 * which would be parsed — keeps the normal limit.
 */
const UPLOAD_ROUTE = /^\/api\/services\/[^/]+\/backups\/upload$/
const isArchiveUpload = (c: Context<AppEnv>) =>
  c.req.method === 'POST' &&
  UPLOAD_ROUTE.test(c.req.path) &&
  ARCHIVE_CONTENT_TYPE.test(c.req.header('content-type') ?? '')

// GET and HEAD carry no body; asking for one would make @hono/node-server build a full Request
// (headers, signal) and keep it for the life of the connection — about 7 KB per event stream.
const hasNoBody = (c: Context<AppEnv>) => c.req.method === 'GET' || c.req.method === 'HEAD'

const limitBody = () =>
  createMiddleware<AppEnv>((c, next) =>
    hasNoBody(c) || isArchiveUpload(c)
      ? next()
      : bodyLimit({
          maxSize: c.var.config.bodyLimit,
          onError: () => {
            throw tooLarge(`Request body is larger than ${c.var.config.bodyLimit} bytes`)
          },
        })(c, next),
  )

type RouteEntry = [MiddlewareHandler<AppEnv>, RouterRoute]

/**
 * The handlers matched for one path (the app's chain, a path's middleware, the route) run as one
 * (src/cached-router.ts), with compose's semantics between them: each next() runs the following
 * one and an error becomes the app's error answer (handleError, as .onError below) before the
 * one before goes on. The route's entry names the route, as compose's last layer did.
 */
const asOneHandler = (entries: RouteEntry[]): RouteEntry => [
  chain(handleError, ...entries.map(([handler]) => handler)),
  entries[entries.length - 1]![1],
]

/**
 * Builds the whole API. Each entry point (Node, Workers, tests) supplies the dependencies;
 * nothing here is a module singleton, so two apps can live in one process.
 * Literal routes come before parameterised ones (ARCHITECTURE §4).
 */
export function createApp(resolveDeps: ResolveDeps) {
  // The document is read off this very app, once, when first asked for (GET /api/openapi.json).
  let document: Record<string, unknown> | undefined
  const openapi = (): Record<string, unknown> =>
    (document ??= buildDocument(collectRoutes(app), { version: API_VERSION }))
  const app = new Hono<AppEnv>({
    router: new CachedRouter(undefined, ([handler]) => isRouteDocOnly(handler), asOneHandler),
  })
    // Each step registered on its own, /api/* by Hono's matching: for every path, the router keeps
    // the steps and the route that match it as one handler (asOneHandler), dispatched directly.
    .use(requestId())
    .use(injectDeps(resolveDeps, openapi))
    .use(requestLog())
    .use(
      '/api/*',
      corsFromConfig(),
      limitBody(),
      sessionSignInToken(),
      sessionAuth(),
      unlessSignedIn(requireAuth()),
      rateLimit(),
      checkJsonBody(),
    )
    .use('/api/services/:containerId/logs', limitFollowStreams())
    .onError(handleError)
    .notFound(handleNotFound)
    .route('/', healthGet)
    .route('/', docsOpenapi)
    .route('/', docsPage)
    .route('/', docsScript)
    .route('/', docsStyle)
    .route('/', sessionCreate)
    .route('/', sessionGet)
    .route('/', sessionDelete)
    .route('/', eventsTicket)
    .route('/', eventsStream)
    .route('/', bulkRun)
    // Literal /api/services/<word>/<word> routes before /api/services/:containerId/…
    .route('/', monitoringHealthAll)
    .route('/', monitoringStatus)
    .route('/', monitoringSystemMetrics)
    .route('/', alertsList)
    .route('/', alertsThresholdsGet)
    .route('/', alertsThresholdsSet)
    .route('/', alertsWebhookGet)
    .route('/', alertsWebhookSet)
    .route('/', alertsWebhookTest)
    .route('/', servicesList)
    .route('/', servicesGet)
    .route('/', servicesStart)
    .route('/', servicesStop)
    .route('/', servicesRestart)
    .route('/', servicesLogs)
    .route('/', servicesDelete)
    .route('/', templatesList)
    .route('/', templatesExportAll)
    .route('/', templatesExportAlias)
    .route('/', templatesValidate)
    .route('/', templatesImport)
    .route('/', templatesCreate)
    .route('/', templatesGet)
    .route('/', templatesExportOne)
    .route('/', templatesUpdate)
    .route('/', templatesDelete)
    .route('/', templatesClone)
    .route('/', deployServices)
    .route('/', deployServiceTiers)
    .route('/', deployCreate)
    .route('/', deployGet)
    .route('/', backupsScheduleGet)
    .route('/', backupsSchedulePut)
    .route('/', backupsScheduleDelete)
    .route('/', backupsUpload)
    .route('/', backupsList)
    .route('/', backupsCreate)
    .route('/', backupsStorage)
    .route('/', backupsDownload)
    .route('/', backupsRestore)
    .route('/', backupsDelete)
    // Backups by id alone, whatever became of their service.
    .route('/', backupsAll)
    .route('/', backupsDownloadById)
    .route('/', backupsRestoreNew)
    .route('/', backupsDeleteById)
    .route('/', monitoringHealth)
    .route('/', monitoringMetrics)
    .route('/', monitoringStart)
    .route('/', monitoringStop)
    .route('/', alertsServiceThresholdsGet)
    .route('/', alertsServiceThresholdsSet)
    // The dashboard: a static shell and its bundled assets, outside /api (no token needed to load it).
    .route('/', uiPage)
    .route('/', uiAsset)
  return app
}

/** The API's version as the OpenAPI document states it. */
export const API_VERSION = '0.1.0'

export type AppType = ReturnType<typeof createApp>
