/** Labels that make a container a service and carry its identity (ARCHITECTURE §3). */
export const LABELS = {
  managed: 'zapie.managed',
  id: 'zapie.id',
  service: 'zapie.service',
  template: 'zapie.template',
  volume: 'zapie.volume',
  port: 'zapie.port',
  created: 'zapie.created',
  /** The deploy that created a container or volume: lets crash recovery find what a killed deploy left. */
  deployment: 'zapie.deployment',
  /** Comma-separated env names the template marked secret: redacted like *_PASSWORD. */
  secrets: 'zapie.secrets',
} as const

export const MANAGED_FILTER = `${LABELS.managed}=true`

export function secretNamesOf(labels: Record<string, string> | undefined): Set<string> {
  return new Set(
    (labels?.[LABELS.secrets] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
}
