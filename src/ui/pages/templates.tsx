import { useEffect, useRef } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText, rawCall } from '../api'
import { ErrorNote } from '../components/bits'
import { CATEGORIES, Catalogue, type TemplateItem } from '../components/catalogue'
import { href } from '../router'

interface Issue {
  path: string
  code: string
  message: string
}
interface ImportReport {
  message: string
  source: string
  result: {
    imported: number
    updated: number
    skipped: number
    failed: { index: number; name: string; errors: Issue[] }[]
    skippedItems: { index: number; name: string; reason: string }[]
  }
}

/** ServiceTemplatesManager: catalogue, create/edit with live validation, clone, delete, export, import. */
export function TemplatesPage() {
  const [editing, setEditing] = useState<TemplateItem | 'new' | null>(null)
  const [reload, setReload] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState<TemplateItem | null>(null)
  const refresh = () => setReload((n) => n + 1)
  const clone = async (t: TemplateItem) => {
    setError(null)
    try {
      await call(
        client.api.templates[':id'].clone.$post({
          param: { id: t.id },
          json: { newName: `${t.name} (copy)`.slice(0, 100) },
        }),
      )
      refresh()
    } catch (err) {
      setError(errorText(err))
    }
  }
  const remove = async (t: TemplateItem) => {
    setError(null)
    setConfirmDelete(null)
    try {
      await call(client.api.templates[':id'].$delete({ param: { id: t.id } }))
      refresh()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <section aria-labelledby="templates-title">
      <div class="page-head">
        <h1 id="templates-title">Templates</h1>
        <div class="actions">
          <button type="button" onClick={() => setEditing('new')}>
            New template
          </button>
          <a class="button secondary" href="/api/templates/export/all" download>
            Export all
          </a>
        </div>
      </div>
      <Import onDone={refresh} />
      {editing ? (
        <TemplateEditor
          template={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null)
            if (saved) refresh()
          }}
        />
      ) : null}
      <ErrorNote error={error} />
      {confirmDelete ? (
        <div class="confirm" role="alertdialog" aria-label="Confirm template delete">
          <p>Delete the template “{confirmDelete.name}”? Services already deployed from it keep running.</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => remove(confirmDelete)}>
              Delete template
            </button>
            <button type="button" class="secondary" onClick={() => setConfirmDelete(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <Catalogue
        reloadKey={reload}
        actions={(t) => (
          <>
            <a class="button" href={href('deploy', t.id)} aria-label={`Deploy ${t.name}`}>
              Deploy
            </a>
            <button type="button" class="secondary" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
              Edit
            </button>
            <button type="button" class="secondary" onClick={() => clone(t)} aria-label={`Clone ${t.name}`}>
              Clone
            </button>
            <a
              class="button secondary"
              href={`/api/templates/${encodeURIComponent(t.id)}/export`}
              download
              aria-label={`Export ${t.name}`}
            >
              Export
            </a>
            <button type="button" class="danger" onClick={() => setConfirmDelete(t)} aria-label={`Delete ${t.name}`}>
              Delete
            </button>
          </>
        )}
      />
    </section>
  )
}

function Import({ onDone }: { onDone: () => void }) {
  const [report, setReport] = useState<ImportReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0]
    if (!file) return setError('Choose a template file (a Portainer templates.json or a ZapieRakyat export).')
    const data = new FormData()
    data.set('file', file)
    if ((form.elements.namedItem('overwrite') as HTMLInputElement).checked) data.set('overwrite', 'true')
    setBusy(true)
    setError(null)
    setReport(null)
    try {
      setReport(await rawCall<ImportReport>('/api/templates/import', { method: 'POST', body: data }))
      onDone()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <details class="card">
      <summary>Import templates</summary>
      <form onSubmit={submit} aria-label="Import templates">
        <label for="import-file">Template file (Portainer v2/v3 or a ZapieRakyat export)</label>
        <input id="import-file" name="file" type="file" accept=".json,application/json" />
        <label class="inline">
          <input type="checkbox" name="overwrite" /> Replace templates with the same name
        </label>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {report ? (
        <div class="report" data-testid="import-report" aria-live="polite">
          <p>
            <strong>{report.message}</strong> <span class="muted">({report.source})</span>
          </p>
          {report.result.skippedItems.length ? (
            <>
              <h3>Skipped ({report.result.skipped})</h3>
              <ul>
                {groupByReason(report.result.skippedItems).map(([reason, names]) => (
                  <li>
                    {reason}{' '}
                    <span class="muted">
                      ({names.length}: {names.slice(0, 12).join(', ')}
                      {names.length > 12 ? ', …' : ''})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {report.result.failed.length ? (
            <>
              <h3>Failed ({report.result.failed.length})</h3>
              <ul>
                {report.result.failed.map((f) => (
                  <li>
                    {f.name}: {f.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </details>
  )
}

/** Many items share a reason (every compose stack): one line per reason, with the names. */
function groupByReason(items: { name: string; reason: string }[]): [string, string[]][] {
  const groups = new Map<string, string[]>()
  for (const { name, reason } of items) {
    // "a template named 'x' exists; …" differs per name only: group those too.
    const key = reason.replace(/named '[^']*'/, 'of that name')
    groups.set(key, [...(groups.get(key) ?? []), name])
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length)
}

const BASIC = ['name', 'description', 'category', 'image', 'logo', 'note'] as const
const ADVANCED_KEYS = [
  'ports',
  'env',
  'volumes',
  'command',
  'healthcheck',
  'restartPolicy',
  'networkMode',
  'labels',
  'tiers',
  'tags',
  'requirements',
] as const

function splitTemplate(t: TemplateItem | null) {
  const basic: Record<string, string> = { name: '', description: '', category: 'other', image: '', logo: '', note: '' }
  const advanced: Record<string, unknown> = { ports: [], env: [], volumes: [], command: [] }
  if (t) {
    for (const k of BASIC) basic[k] = String((t as Record<string, unknown>)[k] ?? '')
    for (const k of ADVANCED_KEYS) advanced[k] = (t as Record<string, unknown>)[k]
  }
  return { basic, advanced: JSON.stringify(advanced, null, 2) }
}

/** Create or edit: every change is checked by POST /api/templates/validate, issues shown by field. */
function TemplateEditor({ template, onClose }: { template: TemplateItem | null; onClose: (saved: boolean) => void }) {
  const initial = splitTemplate(template)
  const [basic, setBasic] = useState(initial.basic)
  const [advanced, setAdvanced] = useState(initial.advanced)
  const [issues, setIssues] = useState<{ errors: Issue[]; warnings: Issue[]; parse?: string }>({
    errors: [],
    warnings: [],
  })
  const [error, setError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const body = (): Record<string, unknown> | string => {
    try {
      const extra = JSON.parse(advanced || '{}')
      if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
        return 'The advanced settings must be one JSON object.'
      return { ...extra, ...basic }
    } catch (err) {
      return `The advanced settings are not valid JSON: ${(err as Error).message}`
    }
  }

  useEffect(() => {
    clearTimeout(timer.current)
    timer.current = setTimeout(async () => {
      const b = body()
      if (typeof b === 'string') return setIssues({ errors: [], warnings: [], parse: b })
      try {
        const res = await call(client.api.templates.validate.$post({ json: b }))
        setIssues({ errors: res.errors, warnings: res.warnings })
      } catch (err) {
        setIssues({ errors: [], warnings: [], parse: errorText(err) })
      }
    }, 250)
    return () => clearTimeout(timer.current)
  }, [basic, advanced])

  const save = async (e: Event) => {
    e.preventDefault()
    const b = body()
    if (typeof b === 'string') return setError(b)
    setError(null)
    try {
      if (template) await call(client.api.templates[':id'].$put({ param: { id: template.id }, json: b as never }))
      else await call(client.api.templates.$post({ json: b as never }))
      onClose(true)
    } catch (err) {
      setError(errorText(err))
    }
  }

  const forField = (field: string) => ({
    errors: issues.errors.filter((i) => i.path.split('.')[0] === field),
    warnings: issues.warnings.filter((i) => i.path.split('.')[0] === field),
  })
  const advancedIssues = {
    errors: issues.errors.filter((i) => !(BASIC as readonly string[]).includes(i.path.split('.')[0]!)),
    warnings: issues.warnings.filter((i) => !(BASIC as readonly string[]).includes(i.path.split('.')[0]!)),
  }
  const IssueList = ({ id, list }: { id: string; list: { errors: Issue[]; warnings: Issue[] } }) => (
    <div id={id} data-issues={id}>
      {list.errors.map((i) => (
        <p class="error field-issue">
          {i.path && !(BASIC as readonly string[]).includes(i.path) ? `${i.path}: ` : ''}
          {i.message}
        </p>
      ))}
      {list.warnings.map((i) => (
        <p class="warning field-issue">
          Warning{i.path && !(BASIC as readonly string[]).includes(i.path) ? ` (${i.path})` : ''}: {i.message}
        </p>
      ))}
    </div>
  )
  const input = (name: (typeof BASIC)[number], label: string) => {
    const list = forField(name)
    return (
      <div>
        <label for={`tpl-${name}`}>{label}</label>
        {name === 'category' ? (
          <select
            id={`tpl-${name}`}
            onChange={(e: Event) => setBasic({ ...basic, [name]: (e.target as HTMLSelectElement).value })}
          >
            {CATEGORIES.filter((c) => c !== 'all').map((c) => (
              <option value={c} selected={c === basic.category}>
                {c}
              </option>
            ))}
          </select>
        ) : name === 'description' || name === 'note' ? (
          <textarea
            id={`tpl-${name}`}
            rows={2}
            value={basic[name]}
            onInput={(e: Event) => setBasic({ ...basic, [name]: (e.target as HTMLTextAreaElement).value })}
            aria-describedby={`tpl-${name}-issues`}
          />
        ) : (
          <input
            id={`tpl-${name}`}
            value={basic[name]}
            onInput={(e: Event) => setBasic({ ...basic, [name]: (e.target as HTMLInputElement).value })}
            aria-invalid={list.errors.length ? 'true' : undefined}
            aria-describedby={`tpl-${name}-issues`}
          />
        )}
        <IssueList id={`tpl-${name}-issues`} list={list} />
      </div>
    )
  }
  return (
    <form class="card" onSubmit={save} aria-label={template ? `Edit ${template.name}` : 'New template'} noValidate>
      <h2>{template ? `Edit ${template.name}` : 'New template'}</h2>
      <div class="grid">
        {input('name', 'Name')}
        {input('image', 'Image')}
        {input('category', 'Category')}
        {input('logo', 'Logo URL (https)')}
      </div>
      {input('description', 'Description')}
      {input('note', 'Note shown before deploying')}
      <label for="tpl-advanced">Ports, variables, volumes, command, tiers… (JSON)</label>
      <textarea
        id="tpl-advanced"
        rows={12}
        value={advanced}
        onInput={(e: Event) => setAdvanced((e.target as HTMLTextAreaElement).value)}
        aria-describedby="tpl-advanced-issues"
        spellcheck={false}
      />
      {issues.parse ? <p class="error">{issues.parse}</p> : null}
      <IssueList id="tpl-advanced-issues" list={advancedIssues} />
      <p class="small" role="status" data-testid="validation-summary">
        {issues.parse
          ? ''
          : issues.errors.length
            ? `${issues.errors.length} error(s) to fix`
            : `Valid${issues.warnings.length ? `, ${issues.warnings.length} warning(s)` : ''}`}
      </p>
      <div class="actions">
        <button type="submit" disabled={issues.errors.length > 0 || Boolean(issues.parse)}>
          {template ? 'Save changes' : 'Create template'}
        </button>
        <button type="button" class="secondary" onClick={() => onClose(false)}>
          Cancel
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  )
}
