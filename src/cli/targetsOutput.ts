import type { ArgoDiscoveryReport, ArgoFinding, HydrateConfig } from '../config/types.js'
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
  const finding = (f: ArgoFinding) => ({
    at: formatLocation(f.location),
    subject: f.subject,
    kind: f.kind,
    message: f.message
  })
  const findings = [...(config.argocd?.findings ?? []), ...(config.flux?.findings ?? [])].map(
    finding
  )
  const considered = config.argocd?.considered.map(c => ({
    at: formatLocation(c.location),
    subject: c.subject,
    targets: c.targets,
    ...(c.sameAs ? { sameAs: formatLocation(c.sameAs) } : {}),
    findings: c.findings.map(finding)
  }))
  const clusters = config.argocd?.clusters.map(c => ({
    name: c.name,
    server: c.server,
    from: formatLocation(c.location)
  }))
  return `${JSON.stringify({ config: source, repoURLs: config.argocd?.repoURLs, targets, considered, clusters, findings }, null, 2)}\n`
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
  if (config.argocd) text += consideredText(config.argocd)
  const flux = config.flux?.findings ?? []
  if (flux.length > 0) {
    text += `\nFlux Kustomizations not rendered (${flux.length}):\n`
    for (const f of flux)
      text += `  ${formatLocation(f.location)}  ${f.subject}: ${f.kind}: ${f.message}\n`
  }
  return text
}

/**
 * Every Application and ApplicationSet read, with its targets or why it gave none, then the
 * findings that belong to no one object (a file that does not parse, a cluster Secret).
 */
function consideredText(report: ArgoDiscoveryReport): string {
  const finding = (f: ArgoFinding, indent: string) =>
    `${indent}${formatLocation(f.location)}  ${f.subject}: ${f.kind}: ${f.message}\n`
  let text = ''
  if (report.considered.length > 0) {
    text += `\nArgo CD objects considered (${report.considered.length}):\n`
    for (const c of report.considered) {
      const result = c.targets.length > 0 ? ` → ${c.targets.join(', ')}` : ': no target, because'
      text += `  ${formatLocation(c.location)}  ${c.subject}${result}\n`
      for (const f of c.findings) text += finding(f, '    ')
    }
  }
  const attached = new Set(report.considered.flatMap(c => c.findings))
  const others = report.findings.filter(f => !attached.has(f))
  if (others.length > 0) {
    text += `\nOther findings (${others.length}):\n`
    for (const f of others) text += finding(f, '  ')
  }
  if (report.clusters.length > 0)
    text += `\nClusters: ${report.clusters.map(c => `${c.name} (${c.server})`).join(', ')}\n`
  return text
}
