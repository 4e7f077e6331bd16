import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { GoValue } from '../../src/manifests/argoValue.js'
import { ROOT, TOOLS } from './tools.js'

const SOURCE = path.join(ROOT, 'test', 'reference', 'argo-yaml')
/** Debian's Go libraries (golang-gopkg-yaml.v3-dev, golang-k8s-sigs-yaml-dev, golang-k8s-sigs-json-dev). */
const GOPATH = '/usr/share/gocode'
const GO_PACKAGES = ['gopkg.in/yaml.v3', 'gopkg.in/yaml.v2', 'sigs.k8s.io/yaml', 'sigs.k8s.io/json']

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * The Go reference encoder (test/reference/argo-yaml), built once per version of its source
 * into .tools/argo-yaml/<hash>/. Throws when Go or its YAML libraries are missing: `npm test`
 * installs them (scripts/install-tools.mjs).
 */
export function buildArgoReference(): string {
  const source = fs.readFileSync(path.join(SOURCE, 'main.go'))
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16)
  const bin = path.join(TOOLS, 'argo-yaml', hash, 'argo-yaml')
  if (fs.existsSync(bin)) return bin
  const missing = GO_PACKAGES.filter(p => !fs.existsSync(path.join(GOPATH, 'src', p)))
  if (!hasGo() || missing.length > 0)
    throw new Error(
      `the reference encoder needs Go and ${GO_PACKAGES.join(', ')} in ${GOPATH}: \`npm test\` installs them ` +
        '(Debian packages golang-go golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev golang-k8s-sigs-json-dev)'
    )
  fs.mkdirSync(path.dirname(bin), { recursive: true })
  // Two jest workers may build at once: each writes its own file, the rename is atomic.
  const temporary = `${bin}.${process.pid}`
  execFileSync('go', ['build', '-o', temporary, '.'], {
    cwd: SOURCE,
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
