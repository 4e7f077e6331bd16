import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { GoValue } from '../../src/manifests/argoValue.js'
import { ROOT, TOOLS } from './tools.js'

/** Debian's Go libraries in GOPATH layout. */
const GOPATH = '/usr/share/gocode'

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * A Go reference program (test/reference/<name>), built once per version of its source into
 * .tools/<name>/<hash>/. Throws when Go or a library it imports is missing: `npm test`
 * installs them (scripts/install-tools.mjs).
 */
function buildGoReference(name: string, packages: string[], debian: string): string {
  const sourceDir = path.join(ROOT, 'test', 'reference', name)
  const source = fs.readFileSync(path.join(sourceDir, 'main.go'))
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16)
  const bin = path.join(TOOLS, name, hash, name)
  if (fs.existsSync(bin)) return bin
  const missing = packages.filter(p => !fs.existsSync(path.join(GOPATH, 'src', p)))
  if (!hasGo() || missing.length > 0)
    throw new Error(
      `the ${name} reference needs Go and ${packages.join(', ')} in ${GOPATH}: \`npm test\` installs them ` +
        `(Debian packages golang-go ${debian})`
    )
  fs.mkdirSync(path.dirname(bin), { recursive: true })
  // Two jest workers may build at once: each writes its own file, the rename is atomic.
  const temporary = `${bin}.${process.pid}`
  execFileSync('go', ['build', '-o', temporary, '.'], {
    cwd: sourceDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH,
      GOFLAGS: '',
      CGO_ENABLED: '0',
      GOCACHE: path.join(TOOLS, 'go-cache')
    }
  })
  fs.renameSync(temporary, bin)
  return bin
}

/** The reference manifest.yaml encoder (test/reference/argo-yaml). */
export function buildArgoReference(): string {
  return buildGoReference(
    'argo-yaml',
    ['gopkg.in/yaml.v3', 'gopkg.in/yaml.v2', 'sigs.k8s.io/yaml', 'sigs.k8s.io/json'],
    'golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev golang-k8s-sigs-json-dev'
  )
}

/** The reference for metadata, README, commit message (test/reference/argo-metadata). */
export function buildArgoMetadataReference(): string {
  return buildGoReference(
    'argo-metadata',
    ['github.com/Masterminds/sprig'],
    'golang-github-masterminds-sprig-dev'
  )
}

/** The ApplicationSet Go template reference (test/reference/argo-template). */
export function buildArgoTemplateReference(): string {
  return buildGoReference(
    'argo-template',
    ['github.com/Masterminds/sprig', 'sigs.k8s.io/yaml'],
    'golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev'
  )
}

/** One case of the template reference, and what Argo CD's Render.Replace gives for it. */
export interface ArgoTemplateCase {
  template: string
  params: Record<string, unknown>
  options?: string[]
}
export type ArgoTemplateResult = { output: string } | { error: string }

/** One call of the metadata reference: a result per case, in order. */
export function argoMetadataReference<T>(bin: string, cases: object[]): T[] {
  return JSON.parse(
    execFileSync(bin, [], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
  ) as T[]
}

/** What Argo CD's hydrator writes for `input`: a JSON object stream, or rendered YAML. */
export function argoReference(bin: string, input: string, mode: 'json' | 'yaml'): string {
  return execFileSync(bin, ['-in', mode], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
}

/** JSON text of a value, with int64 and float64 written so that Go decodes them as such. */
export function goJson(value: GoValue): string {
  if (typeof value === 'bigint') return value.toString()
  // Floats here are never whole in int64 range, so Go decodes them as float64.
  if (typeof value === 'number') return String(value)
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${goJson(v)}`)
    .join(',')}}`
}
