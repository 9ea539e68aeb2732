import { TIER_NAMES, type Template } from '../schemas/template'
import { formatMemory, parseMemory } from '../templates/units'

const TIER_TITLES = { basic: 'Basic', plus: 'Plus', pro: 'Pro' } as const

/** The tiers as the original catalogue showed them: `0.5 CPU`, `512M RAM`. */
export function tiersOf(template: Template) {
  return TIER_NAMES.map((id) => {
    const tier = template.tiers[id]
    const cpu = `${tier.cpus} CPU`
    const ram = `${formatMemory(parseMemory(tier.memory) ?? 0)} RAM`
    return {
      id,
      name: `${template.name} ${TIER_TITLES[id]}`,
      cpu,
      ram,
      memory: tier.memory,
      cpus: tier.cpus,
      // The original tier cards' fields. Self-hosted: a tier costs nothing but the host's resources.
      description: `${TIER_TITLES[id]}: ${cpu}, ${ram}`,
      price: 'Free',
      priceValue: 0,
    }
  })
}

/** One entry of `GET /api/deploy/services`: the original shape (`id, name, description, path`) and more. */
export function toDeployService(template: Template) {
  return {
    id: template.slug,
    templateId: template.id,
    name: template.name,
    description: template.description,
    path: `/deploy/${template.slug}`,
    category: template.category,
    logo: template.logo,
    image: template.image,
    isPublic: template.isPublic,
    tiers: tiersOf(template),
    variables: template.env.map((e) => ({
      name: e.name,
      label: e.label ?? e.name,
      description: e.description,
      required: e.required,
      secret: e.secret,
      generated: Boolean(e.generate),
      ...(e.secret || e.default === undefined ? {} : { default: e.default }),
      ...(e.options ? { options: e.options } : {}),
    })),
  }
}
