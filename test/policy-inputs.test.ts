import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { renderRepository } from '../src/engine.js'
import { MemoryLogger } from '../src/logger.js'
import { cleanupTempDirs, commitAll, makeRepo } from './helpers/repo.js'
import { toolEnv } from './helpers/tools.js'

afterAll(cleanupTempDirs)

async function render(files: Record<string, string>, binary: Record<string, Buffer> = {}) {
  const repo = makeRepo({ files })
  for (const [file, bytes] of Object.entries(binary)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true })
    fs.writeFileSync(path.join(repo, file), bytes)
  }
  if (Object.keys(binary).length > 0) commitAll(repo, 'binary files')
  return renderRepository({ repoRoot: repo, logger: new MemoryLogger(), env: toolEnv() })
}

describe('policy on what real inputs give', () => {
  it('accepts the wrapped base64 kustomize writes for a 300-byte binary file, and still refuses bad base64', async () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7 + 128) % 256))
    const result = await render(
      {
        'hydrate.yaml': 'version: 1\ntargets:\n  - { name: bin, env: prod, source: bin }\n',
        'bin/kustomization.yaml':
          'configMapGenerator:\n  - name: blob\n    files: [blob.bin]\nresources: [secret.yaml]\n',
        // A Secret whose data is not base64 at all, wrapped or not.
        'bin/secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata:\n  key: "not base64!\\nat all"\n'
      },
      { 'bin/blob.bin': bytes }
    )
    expect(result.errors).toEqual([])
    const blob = result.rendered[0]?.resources.find(r => r.kind === 'ConfigMap')
    const encoded = String((blob?.object.binaryData as Record<string, unknown>)['blob.bin'])
    // kustomize wraps it; the API server (Go's decoder) skips the line breaks.
    expect(encoded).toContain('\n')
    expect(Buffer.from(encoded, 'base64')).toEqual(bytes)
    expect(
      result.policy.findings.filter(f => f.rule === 'schema').map(f => [f.resource, f.message])
    ).toEqual([['Secret bad', 'v1 Secret: /data/key must match format "byte"']])
  })

  it('names the file of a directory target in every rule finding', async () => {
    const result = await render({
      'hydrate.yaml': 'version: 1\ntargets:\n  - { name: floaty, env: prod, source: floaty }\n',
      'floaty/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n',
      'floaty/floaty.yaml':
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - port: eighty\n',
      'floaty/pods/latest.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "busybox:latest"}]\n'
    })
    expect(result.errors).toEqual([])
    expect(result.policy.findings.map(f => `${f.rule} ${f.resource}: ${f.message}`).sort()).toEqual(
      [
        'mutable-image-tag Pod p: floaty/pods/latest.yaml: spec.containers[0] (c) image busybox:latest uses the mutable tag :latest',
        'schema Service web: floaty/floaty.yaml: v1 Service: /spec/ports/0/port must be integer'
      ]
    )
  })
})
