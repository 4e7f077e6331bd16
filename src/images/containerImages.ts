import type { Target } from '../config/types.js'
import { describeResource, type Resource } from '../manifests/resource.js'
import { isWorkload, podSpec } from '../manifests/objects.js'

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers'

/** One container image an environment runs. */
export interface ContainerImage {
  env: string
  branch: string
  target: string
  /** `Deployment shop/web`. */
  resource: string
  container: string
  field: ContainerField
  /** The reference as written (`ghcr.io/acme/web:2.8.0@sha256:…`). */
  image: string
  /** The reference without tag and digest (`ghcr.io/acme/web`). */
  repository: string
  tag: string | null
  digest: string | null
}

const FIELDS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers']

/** An image reference's repository, tag and digest (`name[:tag][@digest]`). */
export function parseImageReference(image: string): {
  repository: string
  tag: string | null
  digest: string | null
} {
  const at = image.indexOf('@')
  const digest = at === -1 ? null : image.slice(at + 1)
  const name = at === -1 ? image : image.slice(0, at)
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  // A colon before the last slash is a registry's port, not a tag.
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest }
  return { repository: name, tag: null, digest }
}

/**
 * The container images of a target's resources: containers, init and ephemeral containers of
 * Pods, workload templates, Jobs and CronJobs, in resource and container order.
 */
export function containerImages(target: Target, resources: readonly Resource[]): ContainerImage[] {
  const images: ContainerImage[] = []
  for (const resource of resources) {
    if (!isWorkload(resource)) continue
    const spec = podSpec(resource)
    for (const field of FIELDS) {
      const list = spec?.[field]
      if (!Array.isArray(list)) continue
      list.forEach((container: unknown, index) => {
        if (!container || typeof container !== 'object') return
        const { name, image } = container as { name?: unknown; image?: unknown }
        if (typeof image !== 'string') return
        images.push({
          env: target.env,
          branch: target.environmentBranch ?? target.branch,
          target: target.name,
          resource: describeResource(resource),
          container: typeof name === 'string' ? name : `${field}[${index}]`,
          field,
          image,
          ...parseImageReference(image)
        })
      })
    }
  }
  return images
}

/** How an image changed between two versions of an environment. */
export interface ImageChange {
  env: string
  target: string
  resource: string
  container: string
  before: string | null
  after: string | null
}

const keyOf = (i: ContainerImage) => JSON.stringify([i.env, i.target, i.resource, i.container])

/** The images that differ between `before` and `after` (added, removed or changed), in order. */
export function imageChanges(
  before: readonly ContainerImage[],
  after: readonly ContainerImage[]
): ImageChange[] {
  const old = new Map(before.map(i => [keyOf(i), i]))
  const now = new Map(after.map(i => [keyOf(i), i]))
  const changes: ImageChange[] = []
  for (const [key, image] of now) {
    const previous = old.get(key)
    if (previous?.image !== image.image)
      changes.push({ ...describe(image), before: previous?.image ?? null, after: image.image })
  }
  for (const [key, image] of old)
    if (!now.has(key)) changes.push({ ...describe(image), before: image.image, after: null })
  return changes.sort((a, b) => a.env.localeCompare(b.env))
}

function describe(image: ContainerImage) {
  return {
    env: image.env,
    target: image.target,
    resource: image.resource,
    container: image.container
  }
}

/** `prod: web 2.7.1 → 2.8.0 (Deployment shop/web)`: the tag alone when the repository stays. */
export function formatImageChange(change: ImageChange): string {
  const [before, after] = [change.before, change.after].map(i =>
    i === null ? null : parseImageReference(i)
  )
  const short = (i: ReturnType<typeof parseImageReference> | null, full: string | null) => {
    if (!i || !full) return 'none'
    if (before && after && before.repository === after.repository)
      return [i.tag, i.digest?.slice(0, 19)].filter(Boolean).join('@') || full
    return full
  }
  return `${change.env}: ${change.container} ${short(before ?? null, change.before)} → ${short(after ?? null, change.after)} (${change.resource})`
}
