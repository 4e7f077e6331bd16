import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { parse } from 'yaml'
import { tempDir, writeFiles } from './repo.js'

// Runs Go's text/template + Sprig as helm ships them: `helm template` over a chart whose
// templates are the expressions under test. Helm reads values as json.Number, so the
// parameters reach the templates through helm's fromJson (float64 numbers, as Argo CD's
// JSON-decoded parameters).

export interface HelmCase {
  /** The template text, executed with the parameters as dot (and `$`). */
  template: string
  /** Where helm's function map differs from Argo CD's for this case, and what we assert. */
  note?: string
  /**
   * Helm 3.18 bundles an older library than Argo CD v3.5 for this case (Masterminds/semver
   * v3.3 against v3.4): compared with helm 4 only, which bundles Argo CD's version.
   */
  newerThanHelm3?: true
}

const CHART = 'apiVersion: v2\nname: cases\nversion: 0.1.0\n'

/** Each case's output as helm renders it: one `helm template` for all of them. */
export function helmOutputs(
  helm: string,
  cases: readonly string[],
  params: unknown,
  helpers = ''
): string[] {
  const dir = tempDir('gotemplate-helm-')
  const defines = cases.map((text, i) => `{{- define "case-${i}" }}${text}{{ end }}`).join('\n')
  const data = cases
    .map((_, i) => `  c${i}: {{ include "case-${i}" $p | b64enc | quote }}`)
    .join('\n')
  writeFiles(dir, {
    'Chart.yaml': CHART,
    'values.yaml': `p: ${JSON.stringify(JSON.stringify(params))}\n`,
    'templates/_cases.tpl': `${helpers}\n${defines}\n`,
    'templates/out.yaml': `{{- $p := fromJson .Values.p }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cases\ndata:\n${data}\n`
  })
  const run = spawnSync(helm, ['template', dir], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`)
  const doc = parse(run.stdout.replace(/^---\n# Source: .*\n/m, '')) as {
    data: Record<string, string>
  }
  fs.rmSync(dir, { recursive: true, force: true })
  return cases.map((_, i) => Buffer.from(doc.data[`c${i}`] ?? '', 'base64').toString('utf8'))
}

export const ERROR_FILE = 'cases/templates/e.yaml'

/** The text of one error case's template file: the parameters as dot through fromJson. */
export function errorFileText(template: string): string {
  return `{{- with fromJson .Values.p }}${template}{{ end }}`
}

/**
 * The error helm gives for one template file, in Go's own form: helm 4 splits an exec error
 * over lines and both rewrite a parse error; this puts them back as Go's errors read.
 */
export function helmError(helm: string, template: string, params: unknown): string {
  const dir = tempDir('gotemplate-helm-error-')
  writeFiles(dir, {
    'Chart.yaml': CHART,
    'values.yaml': `p: ${JSON.stringify(JSON.stringify(params))}\n`,
    'templates/e.yaml': errorFileText(template)
  })
  const run = spawnSync(helm, ['template', dir], { encoding: 'utf8' })
  fs.rmSync(dir, { recursive: true, force: true })
  if (run.status === 0) return `no error; output ${JSON.stringify(run.stdout)}`
  const text = run.stderr.replace(/\n+Use --debug flag to render out invalid YAML\n*$/, '').trim()
  const parseError = /^Error: parse error at \(([^)]*)\): (.*)$/s.exec(text)
  if (parseError) return `template: ${parseError[1]}: ${parseError[2]}`
  const split = /^Error: (\S+:\d+:\d+)\n\s+executing (".*?" at <.*?>):\n\s+(.*)$/s.exec(text)
  if (split) return `template: ${split[1]}: executing ${split[2]}: ${split[3]}`
  return text.replace(/^Error: /, '')
}
