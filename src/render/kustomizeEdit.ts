import type { KustomizeEdits } from '../config/types.js'
import { commandLine } from './shellQuote.js'
import { isObject } from '../manifests/isObject.js'

// What `kustomize edit …` does to a kustomization, for the edits Argo CD's repo-server runs
// before `kustomize build` (util/kustomize: namePrefix, nameSuffix, images, replicas,
// commonLabels, commonAnnotations, namespace, patches, components). Applied to a parsed
// kustomization of a scratch copy; the repository is never written.

export type Kustomization = Record<string, unknown>

/** Raised where `kustomize edit` itself would fail (a label already set without force). */
export class KustomizeEditError extends Error {}

interface Image {
  name: string
  newName?: string
  newTag?: string
  digest?: string
}

/** `kustomize edit set image` argument: `name=newName:tag`, `name:tag`, `name@digest`, … */
export function parseImageArgument(argument: string): Image {
  const [name, replacement] = argument.includes('=')
    ? (argument.split('=', 2) as [string, string])
    : [undefined, argument]
  const parsed = splitImage(replacement)
  if (name === undefined) return { name: parsed.name, newTag: parsed.tag, digest: parsed.digest }
  return {
    name,
    newName: parsed.name,
    newTag: parsed.tag,
    digest: parsed.digest
  }
}

/** `registry:5000/app:1.2@sha256:…` → name, tag (after the last `/`), digest. */
function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  let rest = image
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/'))
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest }
  return { name: rest, digest }
}

/** `*` as the new name, tag or digest keeps the kustomization's own value (kustomize ≥ 4). */
const PRESERVE = '*'

/**
 * kustomize edit set image (commands/edit/set/setimage.go): an argument replaces the entry of
 * its name whole (`nginx:2.0` over `{newName: r/nginx, newTag: 1.0}` gives `{newTag: 2.0}`),
 * `*` keeping one field; other entries stay; sorted by name.
 */
function setImages(k: Kustomization, argumentsList: readonly string[]): void {
  const byName = new Map<string, Record<string, unknown>>()
  for (const argument of argumentsList) {
    const image = parseImageArgument(argument)
    byName.set(image.name, { ...image })
  }
  const existing = (Array.isArray(k.images) ? k.images : []).filter(isObject)
  for (const entry of existing) {
    const name = String(entry.name)
    const argument = byName.get(name)
    if (!argument) {
      byName.set(name, entry)
      continue
    }
    for (const field of ['newName', 'newTag', 'digest'])
      if (argument[field] === PRESERVE) argument[field] = entry[field]
  }
  const images = [...byName.values()].map(image => {
    const out: Record<string, unknown> = { ...image }
    for (const field of ['newName', 'newTag', 'digest'])
      if (out[field] === undefined || out[field] === PRESERVE) delete out[field]
    return out
  })
  k.images = images.sort((a, b) => byteOrder(String(a.name), String(b.name)))
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function setReplicas(k: Kustomization, replicas: KustomizeEdits['replicas']): void {
  const list = (Array.isArray(k.replicas) ? k.replicas : []).filter(isObject) as Array<
    Record<string, unknown>
  >
  for (const { name, count } of replicas) {
    const entry = list.find(r => r.name === name)
    if (entry) entry.count = count
    else list.push({ name, count })
  }
  k.replicas = list
}

function addToMap(
  k: Kustomization,
  field: string,
  pairs: Record<string, string>,
  force: boolean,
  what: string
): void {
  const map = isObject(k[field]) ? (k[field] as Record<string, unknown>) : {}
  for (const [key, value] of sorted(pairs)) {
    if (key in map && !force)
      throw new KustomizeEditError(
        `${what} ${key} already in kustomization file (Argo CD sets force${what === 'label' ? 'CommonLabels' : 'CommonAnnotations'} to replace it)`
      )
    map[key] = value
  }
  k[field] = map
}

/** `edit add label --without-selector`: into a `labels` entry that does not touch selectors. */
function addLabelsWithoutSelector(k: Kustomization, edits: KustomizeEdits): void {
  const labels = (Array.isArray(k.labels) ? k.labels : []).filter(isObject) as Array<
    Record<string, unknown>
  >
  let entry = labels.find(
    l =>
      l.includeSelectors !== true && (l.includeTemplates === true) === edits.labelIncludeTemplates
  )
  if (!entry) {
    entry = { pairs: {}, ...(edits.labelIncludeTemplates ? { includeTemplates: true } : {}) }
    labels.push(entry)
  }
  const pairs = isObject(entry.pairs) ? entry.pairs : {}
  for (const [key, value] of sorted(edits.commonLabels)) {
    if (key in pairs && !edits.forceCommonLabels)
      throw new KustomizeEditError(`label ${key} already in kustomization file`)
    pairs[key] = value
  }
  entry.pairs = pairs
  k.labels = labels
}

/** The kustomization after Argo CD's edits, in the order its repo-server runs them. */
export function applyKustomizeEdits(original: Kustomization, edits: KustomizeEdits): Kustomization {
  const k: Kustomization = structuredClone(original)
  if (edits.namePrefix) k.namePrefix = edits.namePrefix
  if (edits.nameSuffix) k.nameSuffix = edits.nameSuffix
  if (edits.images.length > 0) setImages(k, edits.images)
  if (edits.replicas.length > 0) setReplicas(k, edits.replicas)
  if (Object.keys(edits.commonLabels).length > 0) {
    if (edits.labelWithoutSelector) addLabelsWithoutSelector(k, edits)
    else addToMap(k, 'commonLabels', edits.commonLabels, edits.forceCommonLabels, 'label')
  }
  if (Object.keys(edits.commonAnnotations).length > 0)
    addToMap(
      k,
      'commonAnnotations',
      edits.commonAnnotations,
      edits.forceCommonAnnotations,
      'annotation'
    )
  if (edits.namespace) k.namespace = edits.namespace
  if (edits.patches.length > 0)
    k.patches = [...(Array.isArray(k.patches) ? k.patches : []), ...edits.patches]
  if (edits.components.length > 0) {
    const components = (Array.isArray(k.components) ? k.components : []) as unknown[]
    for (const c of edits.components) if (!components.includes(c)) components.push(c)
    k.components = components
  }
  return k
}

/** The commands Argo CD runs in the source directory, as a person would type them. */
export function kustomizeEditCommands(edits: KustomizeEdits): string[] {
  const edit = (...args: string[]) => commandLine(['kustomize', 'edit', ...args])
  const pairs = (map: Record<string, string>) =>
    sorted(map)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')
  const commands: string[] = []
  if (edits.namePrefix) commands.push(edit('set', 'nameprefix', '--', edits.namePrefix))
  if (edits.nameSuffix) commands.push(edit('set', 'namesuffix', '--', edits.nameSuffix))
  if (edits.images.length > 0) commands.push(edit('set', 'image', ...edits.images))
  if (edits.replicas.length > 0)
    commands.push(edit('set', 'replicas', ...edits.replicas.map(r => `${r.name}=${r.count}`)))
  if (Object.keys(edits.commonLabels).length > 0)
    commands.push(
      edit(
        'add',
        'label',
        ...(edits.forceCommonLabels ? ['--force'] : []),
        ...(edits.labelWithoutSelector ? ['--without-selector'] : []),
        ...(edits.labelIncludeTemplates ? ['--include-templates'] : []),
        pairs(edits.commonLabels)
      )
    )
  if (Object.keys(edits.commonAnnotations).length > 0)
    commands.push(
      edit(
        'add',
        'annotation',
        ...(edits.forceCommonAnnotations ? ['--force'] : []),
        pairs(edits.commonAnnotations)
      )
    )
  if (edits.namespace) commands.push(edit('set', 'namespace', '--', edits.namespace))
  if (edits.patches.length > 0)
    commands.push(
      `# Argo CD appends to the kustomization's patches: ${JSON.stringify(edits.patches)}`
    )
  if (edits.components.length > 0) commands.push(edit('add', 'component', ...edits.components))
  return commands
}

function sorted(map: Record<string, string>): Array<[string, string]> {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
