import type { HydrateConfig } from '../config/types.js'
import { formatLocation } from '../errors.js'
import { counted } from '../plural.js'

/** `hydrate targets --format json`: every target and every discovery finding. */
export function targetsJson(config: HydrateConfig, source: string): string {
  const targets = config.targets.map(t => ({
    name: t.name,
    env: t.env,
    branch: t.branch,
    path: t.path,
    type: t.type,
    source: t.source ?? t.helm?.chart ?? null,
    ...(t.environmentBranch ? { environmentBranch: t.environmentBranch } : {}),
    ...(t.promotionBranch ? { promotionBranch: t.promotionBranch } : {}),
    from: formatLocation(t.location),
    ...(t.origin ? { origin: t.origin } : {})
  }))
  const findings = [...(config.argocd?.findings ?? []), ...(config.flux?.findings ?? [])].map(
    f => ({
      at: formatLocation(f.location),
      subject: f.subject,
      kind: f.kind,
      message: f.message
    })
  )
  return `${JSON.stringify({ config: source, repoURLs: config.argocd?.repoURLs, targets, findings }, null, 2)}\n`
}

/** `hydrate targets`: one row per target, then what discovery skipped and why. */
export function targetsText(config: HydrateConfig, source: string): string {
  const rows = config.targets.map(t => [
    t.name,
    t.env,
    // With promotion or hydrateTo, `branch` is the promotion branch; Argo CD syncs the other.
    `${t.branch}:${t.path}${t.environmentBranch ? ` (syncs ${t.environmentBranch})` : ''}`,
    t.type,
    t.source !== undefined ? t.source || '.' : (t.helm?.chart ?? ''),
    `${formatLocation(t.location)}${t.origin ? ` ${t.origin}` : ''}`
  ])
  const header = ['NAME', 'ENV', 'BRANCH:PATH', 'TYPE', 'SOURCE', 'FROM']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] as string).length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd()
  let text = `${counted(config.targets.length, 'target')} from ${source}\n`
  if (config.argocd)
    text += `This repository: ${config.argocd.repoURLs.join(', ') || '(no git remote; set argocd.repoURLs)'}\n`
  text += `${line(header)}\n${rows.map(line).join('\n')}\n`
  const findings = [...(config.argocd?.findings ?? []), ...(config.flux?.findings ?? [])]
  if (findings.length > 0) {
    text += `\nNot rendered (${findings.length}):\n`
    for (const f of findings)
      text += `  ${formatLocation(f.location)}  ${f.subject}: ${f.kind}: ${f.message}\n`
  }
  return text
}
