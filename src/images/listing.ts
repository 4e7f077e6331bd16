import type { ImageListing } from './branchImages.js'
import type { ContainerImage } from './containerImages.js'

/** The images grouped by environment, in the order they were found. */
export function byEnvironment(
  images: readonly ContainerImage[]
): Array<{ env: string; branch: string; images: ContainerImage[] }> {
  const groups = new Map<string, { env: string; branch: string; images: ContainerImage[] }>()
  for (const image of images) {
    const group = groups.get(image.env) ?? { env: image.env, branch: image.branch, images: [] }
    group.images.push(image)
    groups.set(image.env, group)
  }
  return [...groups.values()].sort((a, b) => a.env.localeCompare(b.env))
}

export function imagesJson(listing: ImageListing): string {
  const environments = byEnvironment(listing.images).map(group => ({
    env: group.env,
    branch: group.branch,
    images: group.images.map(({ env: _env, branch: _branch, ...image }) => image)
  }))
  return `${JSON.stringify({ environments, unread: listing.unread }, null, 2)}\n`
}

export function imagesText(listing: ImageListing): string {
  const lines: string[] = []
  for (const group of byEnvironment(listing.images)) {
    lines.push(`${group.env} (${group.branch})`)
    for (const image of group.images)
      lines.push(
        `  ${image.target}  ${image.resource}  ${image.field === 'containers' ? '' : `${image.field}/`}${image.container}  ${image.image}`
      )
  }
  for (const { target, reason } of listing.unread) lines.push(`not read: ${target}: ${reason}`)
  if (lines.length === 0) lines.push('no container images')
  return `${lines.join('\n')}\n`
}
