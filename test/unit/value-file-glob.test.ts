import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  expandValueFileGlob,
  globBase,
  isGlobPath,
  ValueFileGlobError
} from '../../src/argocd/valueFileGlob.js'
import { argoManifestFile } from '../../src/sources/argoManifestFile.js'

// Argo CD 3.5's value file globs (doublestar.FilepathGlob, repository.go:1537) and the
// directory-source rule for files that are not objects (getObjsFromYAMLOrJSON, :2048).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'value-file-glob-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
for (const file of [
  'v/a.yaml',
  'v/b.yaml',
  'v/.hidden.yaml',
  'v/sub/c.yaml',
  'v/sub-d.yaml',
  'w/dir.yaml/x',
  '.git/config.yaml'
]) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  fs.writeFileSync(path.join(root, file), 'x: 1\n')
}

describe('value file globs as doublestar expands them', () => {
  it.each([
    ['v/[ab].yaml', ['v/a.yaml', 'v/b.yaml']],
    // doublestar does not hide dot files.
    ['v/?*.yaml', ['v/.hidden.yaml', 'v/a.yaml', 'v/b.yaml', 'v/sub-d.yaml']],
    // `**`: a directory's matches before its subdirectories'.
    ['v/**/*.yaml', ['v/.hidden.yaml', 'v/a.yaml', 'v/b.yaml', 'v/sub-d.yaml', 'v/sub/c.yaml']],
    // Alternatives: merged in byte order (globAlts' sortAndRemoveDups), duplicates once.
    ['v/{sub/c,b,a}.y*ml', ['v/a.yaml', 'v/b.yaml', 'v/sub/c.yaml']],
    ['v/[!a].yaml', ['v/b.yaml']],
    ['v/*.json', []],
    ['nothing/*.yaml', []],
    // The repository's .git is never listed.
    ['*/config.yaml', []]
  ])('%s', (pattern, expected) => {
    expect(expandValueFileGlob(root, pattern)).toEqual(expected)
  })

  it('a match that is a directory is refused (helm cannot read it), and so is a trailing **', () => {
    expect(() => expandValueFileGlob(root, 'w/*.yaml')).toThrow(
      new ValueFileGlobError(
        'glob w/*.yaml matches the directory w/dir.yaml (helm cannot read a directory as values)'
      )
    )
    expect(() => expandValueFileGlob(root, 'v/**')).toThrow(ValueFileGlobError)
    expect(() => expandValueFileGlob(root, 'v/{1..3}.yaml')).toThrow(ValueFileGlobError)
  })

  it('isGlobPath and the directory a change must reach', () => {
    expect([isGlobPath('a/{b,c}.yaml'), isGlobPath('a/[b].yaml'), isGlobPath('a/?.yaml')]).toEqual([
      false,
      true,
      true
    ])
    expect([globBase('env/**/*.yaml'), globBase('*.yaml'), globBase('a/b/c*.yaml')]).toEqual([
      'env',
      '',
      'a/b'
    ])
  })
})

describe('a directory-source file that is not a Kubernetes object', () => {
  const verdict = (text: string) => argoManifestFile(Buffer.from(text)).kind
  it.each([
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\n---\n', 'objects'],
    ['# only a comment\n', 'objects'],
    ['foo: bar\n', 'ignored'],
    ['- a\n- b\n', 'ignored'],
    ['plain text\n', 'ignored'],
    ['this: [is not closed\n', 'ignored'],
    ['foo: bar\n---\napiVersion: v1\nkind: ConfigMap\n', 'ignored'],
    ['kind: ConfigMap\n---\nfoo: bar\n', 'error'],
    ['apiVersion: v1\nkind: 5\nmetadata: {}\n', 'error'],
    ['apiVersion: a/b/c\nkind: X\n', 'ignored'],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: [x }\n', 'error']
  ])('%j → %s', (text, expected) => {
    expect(verdict(text)).toBe(expected)
  })

  it('bytes that are not UTF-8 are ignored unless they look like a manifest', () => {
    expect(argoManifestFile(Buffer.from([0xff, 0xfe, 0x41])).kind).toBe('ignored')
    expect(
      argoManifestFile(
        Buffer.concat([Buffer.from('apiVersion: kind: metadata:'), Buffer.from([0xff])])
      ).kind
    ).toBe('error')
  })
})
