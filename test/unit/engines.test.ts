import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { ROOT } from '../helpers/tools.js'

// semver comes with npm's own tree (no types of its own here): the two calls used.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null
  satisfies(version: string, range: string): boolean
}

interface LockPackage {
  engines?: { node?: string }
  dev?: boolean
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8')
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } }
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, LockPackage>
}

describe("package.json's engines", () => {
  const floor = semver.minVersion(pkg.engines.node)?.version ?? ''

  it('every installed package runs on the lowest Node it allows (no engine warnings on npm ci)', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, info]) => name !== '' && info.engines?.node !== undefined)
      .filter(([, info]) => !semver.satisfies(floor, info.engines?.node ?? '*'))
      .map(([name, info]) => `${name} ${info.engines?.node}`)
    expect(refusing).toEqual([])
    expect(lock.packages['']?.engines?.node).toBe(pkg.engines.node)
  })

  it('hold for the node these tests run on (npm test picks it: scripts/jest.mjs)', () => {
    expect(`node ${process.versions.node}`).toBe(
      semver.satisfies(process.versions.node, pkg.engines.node)
        ? `node ${process.versions.node}`
        : `a node that satisfies ${pkg.engines.node}`
    )
  })

  it("include the action's runtime and the Node the project's workflows use", () => {
    const runtime = /^ {2}using: node(\d+)$/m.exec(read('action.yml'))?.[1]
    expect(runtime).toBe('24')
    expect(semver.satisfies(`${runtime}.0.0`, pkg.engines.node)).toBe(true)
    for (const file of fs.readdirSync(path.join(ROOT, '.github', 'workflows'))) {
      const versions = [...read(`.github/workflows/${file}`).matchAll(/node-version: (\d+)/g)]
      for (const [, version] of versions) expect(version).toBe(runtime)
    }
  })
})
