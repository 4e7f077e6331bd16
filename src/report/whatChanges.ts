import type { DiffReport, FieldHighlight, Highlight, TargetDiff } from '../diff/types.js'
import { escapeText } from './escape.js'
import { sharedResource } from './sharedChanges.js'

/** `Kind namespace/name-dev` → `Kind name`: one workload in every environment's namespace. */
function workload(resource: string, env: string): string {
  return sharedResource(resource, env)
}

/** `registry/repo:tag@digest` → repository and the tag or short digest. */
function splitImage(image: string): { repository: string; version: string; digest: boolean } {
  const at = image.indexOf('@')
  if (at !== -1) {
    const digest = image.slice(at + 1)
    const named = splitImage(image.slice(0, at))
    return { repository: named.repository, version: digest.slice(0, 19), digest: true }
  }
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  if (colon > slash)
    return { repository: image.slice(0, colon), version: image.slice(colon + 1), digest: false }
  return { repository: image, version: 'latest (no tag)', digest: false }
}

function imageChange(before: string, after: string): string {
  const a = splitImage(before)
  const b = splitImage(after)
  if (a.repository !== b.repository)
    return `image <code>${escapeText(before)}</code> → <code>${escapeText(after)}</code>`
  const note =
    !a.digest && b.digest
      ? ' (now pinned by digest)'
      : a.digest && !b.digest
        ? ' (no longer pinned by digest)'
        : ''
  return `<code>${escapeText(a.repository)}</code> ${escapeText(a.version)} → ${escapeText(b.version)}${note}`
}

const FIELD_NAMES: Record<string, string> = {
  'requests.cpu': 'CPU request',
  'requests.memory': 'memory request',
  'limits.cpu': 'CPU limit',
  'limits.memory': 'memory limit',
  'requests.ephemeral-storage': 'ephemeral-storage request',
  'limits.ephemeral-storage': 'ephemeral-storage limit'
}

const FIELD_LABELS: Record<FieldHighlight['field'], string> = {
  selector: 'selector',
  'pod labels': 'pod labels',
  'volume claims': 'volume claim sizes',
  storage: 'storage request',
  rules: 'rules',
  ports: 'ports'
}

/** A side's value in code, shortened: the diff below has it whole. */
function fieldValue(value: string | null): string {
  if (value === null) return 'unset'
  if (value === '') return 'none'
  const shown = value.length > 160 ? `${value.slice(0, 160)}…` : value
  return `<code>${escapeText(shown)}</code>`
}

const unset = (value: string | number | null) => (value === null ? 'unset' : String(value))

function describe(highlight: Highlight, env: string): { subject: string; change: string } {
  const name = workload(highlight.resource, env)
  const subject = `<b>${escapeText(name)}</b>`
  // The container, unless it is named like its workload (the usual one-container case).
  const container = (c: string) =>
    name.endsWith(` ${c}`) ? subject : `${subject} (${escapeText(c)})`
  switch (highlight.type) {
    case 'image':
      return {
        subject: container(highlight.container),
        change: imageChange(highlight.before, highlight.after)
      }
    case 'replicas':
      return {
        subject,
        change: `replicas ${unset(highlight.before)} → ${unset(highlight.after)}`
      }
    case 'field':
      return {
        subject,
        change: `${FIELD_LABELS[highlight.field]} ${fieldValue(highlight.before)} → ${fieldValue(highlight.after)}`
      }
    case 'resources':
      return {
        subject: container(highlight.container),
        change: `${FIELD_NAMES[highlight.field] ?? escapeText(highlight.field)} ${escapeText(unset(highlight.before))} → ${escapeText(unset(highlight.after))}`
      }
  }
}

/** `dev, staging, prod`: the environments, in report order. */
export function envList(envs: Iterable<string>): string {
  return [...envs].map(escapeText).join(', ')
}

/** Lines grouped by their text, each with the environments it applies to. */
class Grouped {
  private readonly lines = new Map<string, Set<string>>()
  add(text: string, env: string): void {
    this.lines.set(text, (this.lines.get(text) ?? new Set()).add(env))
  }
  render(): string[] {
    return [...this.lines].map(([text, envs]) => `- ${text} in ${envList(envs)}`)
  }
}

/** A target counts as new or gone with its whole environment when no other target holds it. */
function environmentsAll(
  targets: readonly TargetDiff[],
  status: TargetDiff['status']
): Map<string, TargetDiff[]> {
  const byEnv = new Map<string, TargetDiff[]>()
  for (const t of targets) byEnv.set(t.env, [...(byEnv.get(t.env) ?? []), t])
  return new Map([...byEnv].filter(([, list]) => list.every(t => t.status === status)))
}

/**
 * "What changes": the facts a reviewer looks for, each with the environments it applies to:
 * images per workload (tag → digest noted), replicas, requests and limits, kinds added or
 * removed, new environments and targets, removed ones. At most `limit` lines.
 */
export function whatChanges(
  report: DiffReport,
  orderedTargets: readonly TargetDiff[],
  limit = 15
): string[] {
  const facts = new Grouped()
  const kinds = new Grouped()
  for (const t of orderedTargets) {
    for (const highlight of t.highlights ?? []) {
      const { subject, change } = describe(highlight, t.env)
      facts.add(`${subject}: ${change}`, t.env)
    }
    if (t.status !== 'changed') continue
    for (const resource of t.resources) {
      if (resource.change !== 'added' && resource.change !== 'removed') continue
      const name = `${resource.kind} ${resource.name}`
      kinds.add(`${resource.change === 'added' ? 'Added' : 'Removed'} ${escapeText(name)}`, t.env)
    }
  }
  const newEnvs = environmentsAll(report.targets, 'added')
  const goneEnvs = environmentsAll(report.targets, 'removed')
  const lifecycle: string[] = []
  for (const [env, list] of newEnvs) {
    const branches = [...new Set(list.map(t => t.branch))].map(b => `<code>${escapeText(b)}</code>`)
    lifecycle.push(
      `- 🆕 New environment <b>${escapeText(env)}</b> on ${branches.join(', ')}: ${list.map(t => escapeText(t.name)).join(', ')}`
    )
  }
  for (const [env, list] of goneEnvs)
    lifecycle.push(
      `- 🗑️ Environment <b>${escapeText(env)}</b> removed: ${list.map(t => escapeText(t.name)).join(', ')} (their paths are pruned)`
    )
  for (const t of orderedTargets) {
    if (t.status === 'added' && !newEnvs.has(t.env))
      lifecycle.push(`- 🆕 New target <b>${escapeText(t.name)}</b> in ${escapeText(t.env)}`)
    if (t.status === 'removed' && !goneEnvs.has(t.env))
      lifecycle.push(
        `- 🗑️ Target <b>${escapeText(t.name)}</b> removed from ${escapeText(t.env)} (its path is pruned)`
      )
  }
  const lines = [...facts.render(), ...kinds.render(), ...lifecycle]
  if (lines.length <= limit) return lines
  return [...lines.slice(0, limit), `- … ${lines.length - limit} more below`]
}
