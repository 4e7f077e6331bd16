#!/usr/bin/env node
// After ncc: make the CLI bundle executable with a node shebang (package.json bin), and merge
// the per-chunk license files into one licenses.txt per bundle directory.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dist =
  process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const cli = path.join(dist, 'cli', 'index.js')
let text = fs.readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) text = `#!/usr/bin/env node\n${text}`
fs.writeFileSync(cli, text)
fs.chmodSync(cli, 0o755)

// ncc's license plugin writes one file per chunk, each under the `--license` name, and it
// misses packages of a lazily loaded chunk (its concatenated ES modules); the last file
// written would win. So the builds name them `[name].licenses.txt` and write webpack's stats
// to stats.json, and licenses.txt is made here from the packages the stats name, in the
// plugin's format: sorted by name, each `name\nlicense id\nlicense text`, a blank line between.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PACKAGE_DIR = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//

/** Package name → its directory, for every node_modules module in webpack's stats. */
function bundledPackages(stats) {
  const packages = new Map()
  const walk = modules => {
    for (const module of modules ?? []) {
      const match = PACKAGE_DIR.exec((module.name ?? '').replace(/^\.\//, ''))
      if (match && !packages.has(match[1])) packages.set(match[1], path.join(root, match[0]))
      walk(module.modules)
    }
  }
  walk(stats.modules)
  for (const chunk of stats.chunks ?? []) walk(chunk.modules)
  return packages
}

/** An entry as the plugin renders it: the package.json license and the LICENSE file, if any. */
function licenseEntry(name, dir) {
  const license = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).license
  const file = fs
    .readdirSync(dir)
    .find(f => /^licen[cs]e/i.test(f) && !fs.statSync(path.join(dir, f)).isDirectory())
  const text = file && fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n')
  return [name, typeof license === 'string' ? license : '', text ?? ''].filter(Boolean).join('\n')
}

function writeLicenses(dir) {
  const statsFile = path.join(dir, 'stats.json')
  if (!fs.existsSync(statsFile)) return
  const packages = bundledPackages(JSON.parse(fs.readFileSync(statsFile, 'utf8')))
  const entries = [...packages]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, packageDir]) => licenseEntry(name, packageDir))
  fs.writeFileSync(path.join(dir, 'licenses.txt'), `${entries.join('\n\n').trim()}\n`)
  for (const file of fs.readdirSync(dir).filter(name => name.endsWith('.licenses.txt')))
    fs.rmSync(path.join(dir, file))
  fs.rmSync(statsFile)
}

// A lazily loaded chunk (kubernetes-models, 4.9 MB) holds its ES modules concatenated into one
// module function. V8 compiles a parenthesized `function` expression with the chunk, but only
// preparses an arrow function and parses it again when it is called: ~110 ms more for this one.
// An ES module's function is called with `this` = its exports, and webpack has already replaced
// the module's top-level `this` by `undefined`, so a `function` behaves the same here.
const ES_MODULE_ARROW =
  /^\/\*\*\*\/ \(\(__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__\) => \{$/gm
const ES_MODULE_FUNCTION =
  '/***/ (function(__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) {'

function eagerChunkModules(dir) {
  for (const file of fs.readdirSync(dir).filter(name => /^\d+\.index\.js$/.test(name))) {
    const chunk = path.join(dir, file)
    fs.writeFileSync(
      chunk,
      fs.readFileSync(chunk, 'utf8').replace(ES_MODULE_ARROW, ES_MODULE_FUNCTION)
    )
  }
}

writeLicenses(dist)
writeLicenses(path.join(dist, 'cli'))
eagerChunkModules(dist)
eagerChunkModules(path.join(dist, 'cli'))
