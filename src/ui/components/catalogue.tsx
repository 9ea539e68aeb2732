import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import type { Child } from 'hono/jsx'
import { call, client, errorText } from '../api'
import { Empty, ErrorNote, Loading } from './bits'

export const CATEGORIES = [
  'all',
  'database',
  'web',
  'api',
  'monitoring',
  'automation',
  'storage',
  'messaging',
  'other',
] as const

export type TemplateItem = Awaited<ReturnType<typeof loadTemplates>>[number]

async function loadTemplates(search: string, category: string) {
  const body = await call(
    client.api.templates.$get({ query: { ...(search ? { search } : {}), category: category as 'all', limit: '500' } }),
  )
  return body.templates
}

/**
 * A template's logo is user data: an image only from https (what the CSP allows; an http logo
 * would be blocked anyway), else the name's initial as text.
 */
export const Logo = ({ logo, name }: { logo: string; name: string }) =>
  /^https:\/\//i.test(logo) ? (
    <img class="logo" src={logo} alt="" width={32} height={32} referrerpolicy="no-referrer" />
  ) : (
    <span class="logo logo-text" aria-hidden="true">
      {(name[0] ?? '?').toUpperCase()}
    </span>
  )

/** The catalogue with search and categories; `actions` renders the buttons of each card. */
export function Catalogue({ actions, reloadKey = 0 }: { actions: (t: TemplateItem) => Child; reloadKey?: number }) {
  const [search, setSearch] = useState('')
  const [category, setCategory] = useState('all')
  const [templates, setTemplates] = useState<TemplateItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    const timer = setTimeout(
      () =>
        loadTemplates(search.trim(), category).then(
          (t) => {
            if (cancelled) return
            setTemplates(t)
            setError(null)
          },
          (e) => !cancelled && setError(errorText(e)),
        ),
      search ? 150 : 0,
    )
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [search, category, reloadKey])
  return (
    <div>
      <div class="toolbar">
        <label>
          <span class="sr-only">Search templates</span>
          <input
            type="search"
            placeholder="Search templates"
            value={search}
            onInput={(e: Event) => setSearch((e.target as HTMLInputElement).value)}
          />
        </label>
        {/* biome-ignore lint/a11y/useSemanticElements: a toolbar of toggle buttons, not a form field set */}
        <div class="tabs" role="group" aria-label="Category">
          {CATEGORIES.map((c) => (
            <button type="button" aria-pressed={c === category ? 'true' : 'false'} onClick={() => setCategory(c)}>
              {c}
            </button>
          ))}
        </div>
      </div>
      <ErrorNote error={error} />
      {!templates && !error ? <Loading what="templates" /> : null}
      {templates && templates.length === 0 ? <Empty>No template matches.</Empty> : null}
      <ul class="grid cards" aria-label="Templates">
        {(templates ?? []).map((t) => (
          <li class="card" data-template={t.id}>
            <div class="card-head">
              <Logo logo={t.logo} name={t.name} />
              <div>
                <strong class="template-name">{t.name}</strong>
                <div class="muted small">
                  {t.category} · {t.image}
                </div>
              </div>
            </div>
            <p class="small">{t.description}</p>
            <div class="actions">{actions(t)}</div>
          </li>
        ))}
      </ul>
    </div>
  )
}
