import type { ResourceChange, TargetDiff } from '../diff/types.js'
import type { Finding } from '../policy/types.js'
import { displayDiff } from './diffText.js'

// A base edit makes the same change in every environment, each overlay with its own namespace
// and often an environment prefix or suffix on names: those differences aside, it is one change.

const NAMESPACE = '\u0001ns\u0001'
const NAME = '\u0001name\u0001'

/** `web-dev`, `dev-web`, `web.dev` → `web` in environment `dev`; other names as they are. */
export function withoutEnvAffix(name: string, env: string): string {
  for (const sep of ['-', '.', '_']) {
    if (name.startsWith(`${env}${sep}`) && name.length > env.length + 1)
      return name.slice(env.length + 1)
    if (name.endsWith(`${sep}${env}`) && name.length > env.length + 1)
      return name.slice(0, -env.length - 1)
  }
  return name
}

function replaceAll(text: string, find: string, by: string): string {
  return find ? text.split(find).join(by) : text
}

/** Two resource diffs with the same key show the same change, namespace and name affix aside. */
export function sharedDiffKey(t: TargetDiff, resource: ResourceChange): string {
  let text = displayDiff(resource)
  // The full name first: a namespace can be a part of it (`web` in `web-dev`).
  text = replaceAll(text, resource.name, NAME)
  text = replaceAll(text, resource.namespace, NAMESPACE)
  return [
    resource.kind,
    withoutEnvAffix(resource.name, t.env),
    resource.change,
    resource.previousName ? withoutEnvAffix(resource.previousName, t.env) : '',
    text
  ].join('\u0000')
}

/** For each shared diff, every target that has it, in the order given. */
export function sharedDiffs(targets: readonly TargetDiff[]): Map<string, TargetDiff[]> {
  const holders = new Map<string, TargetDiff[]>()
  for (const t of targets)
    for (const resource of t.resources) {
      const key = sharedDiffKey(t, resource)
      const list = holders.get(key) ?? []
      if (!list.includes(t)) list.push(t)
      holders.set(key, list)
    }
  return holders
}

/** `Role app-dev/reader` → `Role reader`: the resource a finding names, in any environment. */
export function sharedResource(resource: string, env: string): string {
  const space = resource.indexOf(' ')
  if (space === -1) return resource
  const name = resource.slice(space + 1)
  return `${resource.slice(0, space)} ${withoutEnvAffix(name.slice(name.lastIndexOf('/') + 1), env)}`
}

/** Findings of one rule on one resource, equal apart from namespace and name affix, are one. */
export function sharedFindingKey(f: Finding, env: string): string {
  const name = f.resource.slice(f.resource.lastIndexOf('/') + 1)
  const namespace = f.resource.includes('/')
    ? f.resource.slice(f.resource.indexOf(' ') + 1, f.resource.lastIndexOf('/'))
    : ''
  const plain = (text: string | undefined) =>
    replaceAll(replaceAll(text ?? '', name, NAME), namespace, NAMESPACE)
  return [
    f.rule,
    f.severity,
    sharedResource(f.resource, env),
    plain(f.field),
    plain(f.message),
    plain(f.fix),
    f.preExisting ? 'pre' : ''
  ].join('\u0000')
}
