import { useState } from '../hooks'

/** Generated secrets, shown this once (the API returns them in one response only), with copy buttons. */
export function SecretsOnce({ secrets }: { secrets: Record<string, string> }) {
  const [copied, setCopied] = useState<string | null>(null)
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled region inside a form step, announced as one
    <div class="confirm info" role="region" aria-label="Generated secrets">
      <p>
        <strong>Save these now:</strong> they are shown only once.
      </p>
      <dl class="kv">
        {Object.entries(secrets).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>
              <code class="secret" data-secret={name}>
                {value}
              </code>{' '}
              <button
                type="button"
                class="secondary"
                aria-label={`Copy ${name}`}
                onClick={() =>
                  navigator.clipboard?.writeText(value).then(
                    () => setCopied(name),
                    () => setCopied(null),
                  )
                }
              >
                {copied === name ? 'Copied' : 'Copy'}
              </button>
            </dd>
          </>
        ))}
      </dl>
    </div>
  )
}
