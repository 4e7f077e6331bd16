import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from '@jest/globals'
import { FUNCTION_TABLE } from '../../src/gotemplate/index.js'

// docs/argocd-semantics.md lists every GenericFuncMap function with what hydrate does with it;
// the list is the function table of src/gotemplate/table.ts, row by row.

const ROOT = path.resolve(import.meta.dirname, '../..')

it("docs/argocd-semantics.md's template function table is the engine's table", () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/argocd-semantics.md'), 'utf8')
  const byStatus = new Map<string, string[]>()
  for (const [name, status] of FUNCTION_TABLE)
    byStatus.set(status, [...(byStatus.get(status) ?? []), name])
  const documented = new Map(
    [
      ...doc.matchAll(
        /^\| (supported|not deterministic|not supported|removed by Argo CD) +\| (.*?) *\|$/gm
      )
    ].map(m => [
      m[1] as string,
      [...(m[2] as string).matchAll(/`([^`]+)`/g)].map(n => n[1] as string)
    ])
  )
  for (const [status, names] of byStatus)
    expect([status, documented.get(status)]).toEqual([status, names.sort()])
  expect([...documented.keys()].sort()).toEqual([...byStatus.keys()].sort())
})
