import fs from 'node:fs'
import path from 'node:path'
import { checkAdmission } from '../admission/check.js'
import { loadPolicyFiles, readObjects } from '../admission/load.js'
import { HydrateError, getErrorMessage } from '../errors.js'
import { parseManifests } from '../manifests/parse.js'
import type { Finding } from '../policy/types.js'
import { loadTargets, type EngineOptions } from './render.js'

export interface PolicyTestResult {
  findings: Finding[]
  /** Objects checked (the given files' objects). */
  objects: number
}

/**
 * `hydrate policy test FILES…`: the configured policies (`policy.files`) plus the policies,
 * bindings, parameters and CRDs in FILES, evaluated on every object of FILES as one
 * environment (each file a target). For policy authors and a policy library's CI.
 */
export async function testPolicies(
  options: EngineOptions,
  files: readonly string[]
): Promise<PolicyTestResult> {
  const config = await loadTargets(options)
  const configured = loadPolicyFiles(config.repoRoot, config.policy.files ?? [], config.file)
  const given = files.map(file => {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      throw new HydrateError(`cannot read ${file}: ${getErrorMessage(error)}`)
    }
    const name = path.relative(process.cwd(), path.resolve(file)) || file
    return {
      name,
      objects: readObjects(name, text),
      resources: parseManifests(text, name).resources
    }
  })
  const findings = checkAdmission(
    [{ env: 'test', targets: given.map(g => ({ name: g.name, resources: g.resources })) }],
    [...configured, ...given.flatMap(g => g.objects)],
    { fromOutput: false }
  )
  return { findings, objects: given.reduce((sum, g) => sum + g.resources.length, 0) }
}
