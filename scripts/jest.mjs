#!/usr/bin/env node
// Runs jest on a node that meets package.json's engines (docs/adr/0041-tests-on-the-action-runtime.md):
// this one, or the pinned Node 24 that scripts/install-tools.mjs puts in .tools/node. The
// tests spawn the bundle with process.execPath, so it then runs on that node too. Arguments
// go to jest as they are.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { testRuntime } from './install-tools.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const node = testRuntime()
const env = {
  ...process.env,
  // jest runs the ES-module tests through vm modules.
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
  // A test that runs `node` by name (a script's shebang) gets the same one.
  PATH: [path.dirname(node), process.env.PATH].filter(Boolean).join(path.delimiter)
}
if (node !== process.execPath)
  process.stderr.write(
    `[jest] running on ${path.relative(root, node)} (this machine's node ${process.version} is older than package.json's engines)\n`
  )
const run = spawnSync(
  node,
  [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env
  }
)
if (run.error) throw run.error
process.exit(run.status ?? 1)
