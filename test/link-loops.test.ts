import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, git, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

const REPO_URL = 'https://example.com/dry.git'
const destination = '  destination: { server: https://kubernetes.default.svc, namespace: x }\n'
const application = (name: string, source: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: ${name} }\nspec:\n  project: default\n${destination}  source: { repoURL: ${REPO_URL}, path: ${source} }\n`
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n'
const applicationSet = [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: ApplicationSet',
  'metadata: { name: envs }',
  'spec:',
  '  goTemplate: true',
  '  generators:',
  `    - git: { repoURL: ${REPO_URL}, revision: HEAD, directories: [{ path: "envs/*" }] }`,
  '  template:',
  '    metadata: { name: "env-{{.path.basename}}" }',
  '    spec:',
  '      project: default',
  `    ${destination}      source: { repoURL: ${REPO_URL}, path: "{{.path.path}}" }`,
  ''
].join('\n')

/** A zero-config Argo CD repository with a directory, a kustomize and a generated target. */
function repositoryWithLoopsIn(dir: string): string {
  const repo = makeRepo({
    files: {
      'apps/plain.yaml': application('plain', 'plain'),
      'plain/cm.yaml': configMap,
      'apps/kust.yaml': application('kust', 'kust'),
      'kust/kustomization.yaml': 'resources: [cm.yaml]\n',
      'kust/cm.yaml': configMap,
      'apps/set.yaml': applicationSet,
      'envs/one/cm.yaml': configMap
    }
  })
  git(repo, 'remote', 'add', 'origin', REPO_URL)
  // A link to itself, and two links to each other, one named like a manifest.
  fs.symlinkSync('loop', path.join(repo, dir, 'loop'))
  fs.symlinkSync('l2', path.join(repo, dir, 'l1.yaml'))
  fs.symlinkSync('l1.yaml', path.join(repo, dir, 'l2'))
  return repo
}

async function render(repo: string) {
  const result = await renderRepository({
    repoRoot: repo,
    logger: new MemoryLogger(),
    env: toolEnv()
  })
  return {
    targets: result.rendered.map(r => r.target.name).sort(),
    errors: result.errors.map(e => e.message)
  }
}

/** A pull request can add a symlink loop anywhere: it is read around, or named, never a crash. */
describe('symlink loops in a pull request', () => {
  it.each([
    ['the repository root (zero-config discovery)', ''],
    ['a kustomize source', 'kust'],
    ['a git directory generator path', 'envs']
  ])('in %s are walked around', async (_where, dir) => {
    expect(await render(repositoryWithLoopsIn(dir))).toEqual({
      targets: ['env-one', 'kust', 'plain'],
      errors: []
    })
  })

  it('named as a manifest of a directory source fail that target only, naming the file', async () => {
    expect(await render(repositoryWithLoopsIn('plain'))).toEqual({
      targets: ['env-one', 'kust'],
      errors: ['target plain: plain/l1.yaml: a symlink loop (too many levels of symbolic links)']
    })
  })
})
