import { createRequire, syncBuiltinESMExports } from 'node:module'

// The unit tier starts no process (git, helm, kubectl, node): each way to start one throws.
// Patched through require before any test module imports child_process (jest keeps the
// exports it saw on first import).
const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>
for (const name of [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork'
] as const) {
  childProcess[name] = () => {
    throw new Error(
      `the unit tier starts no process (child_process.${name}); move this test to test/`
    )
  }
}
syncBuiltinESMExports()
