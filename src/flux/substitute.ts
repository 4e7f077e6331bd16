import { isMap, parseAllDocuments } from 'yaml'
import { HydrateError } from '../errors.js'

/** Flux's rule for variable names (postBuild.substitute keys, ConfigMap/Secret data keys). */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/
const DISABLED_KEY = 'kustomize.toolkit.fluxcd.io/substitute'

const MAX_NESTING = 32

/** A substitution Flux would refuse (an expression it does not know): fails the target. */
export class SubstitutionError extends HydrateError {}

/**
 * Flux's post-build substitution on one object's YAML, non-strict: `${VAR}`, `${VAR:=default}`
 * and `${VAR:-default}` (the default when unset or empty), `${VAR=default}` and
 * `${VAR-default}` (only when unset), an unset variable without default is empty, and
 * `$${VAR}` writes `${VAR}`. `$VAR` without braces is left alone, as Flux leaves it.
 */
export function substituteVariables(
  text: string,
  vars: ReadonlyMap<string, string>,
  depth = 0
): string {
  // A pull request writes the text: defaults nested without end would cost time and stack.
  if (depth > MAX_NESTING)
    throw new SubstitutionError(`defaults nested deeper than ${MAX_NESTING} levels`)
  let out = ''
  let i = 0
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar === -1) break
    out += text.slice(i, dollar)
    if (text.startsWith('$${', dollar)) {
      out += '${'
      i = dollar + 3
      continue
    }
    if (text[dollar + 1] !== '{') {
      out += '$'
      i = dollar + 1
      continue
    }
    const close = matchingBrace(text, dollar + 2)
    if (close === -1)
      throw new SubstitutionError(`unclosed "\${" in ${JSON.stringify(excerpt(text, dollar))}`)
    out += expand(text.slice(dollar + 2, close), vars, depth)
    i = close + 1
  }
  return out + text.slice(i)
}

/** The `}` that closes an expression starting at `from`, nested `${…}` in a default skipped. */
function matchingBrace(text: string, from: number): number {
  let depth = 0
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++
      i++
    } else if (text[i] === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  return -1
}

function expand(expression: string, vars: ReadonlyMap<string, string>, depth: number): string {
  const match = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])([\s\S]*))?$/.exec(expression)
  if (!match)
    throw new SubstitutionError(
      `\${${expression}} is not a substitution hydrate knows (\${VAR}, \${VAR:=default}, \${VAR:-default})`
    )
  const [, name = '', operator, fallback = ''] = match
  const value = vars.get(name)
  if (operator === undefined) return value ?? ''
  const useDefault = operator.startsWith(':')
    ? value === undefined || value === ''
    : value === undefined
  return useDefault ? substituteVariables(fallback, vars, depth + 1) : (value ?? '')
}

function excerpt(text: string, at: number): string {
  return text.slice(at, at + 40).split('\n')[0] ?? ''
}

/**
 * A Kustomization's build output with its variables substituted object by object, as Flux
 * does after the build; objects labelled or annotated `kustomize.toolkit.fluxcd.io/substitute:
 * disabled` are left as they are. No variables at all: nothing is substituted (Flux skips
 * the step), so `${…}` stays.
 */
export function substituteOutput(text: string, vars: ReadonlyMap<string, string>): string {
  if (vars.size === 0) return text
  const documents = parseAllDocuments(text, { version: '1.1' })
  const list = Array.isArray(documents) ? documents : [documents]
  if (list.some(d => d.errors.length > 0)) return substituteVariables(text, vars)
  const parts: string[] = []
  for (const document of list) {
    const range = document.range
    const source = text.slice(range[0], range[2])
    parts.push(isDisabled(document.contents) ? source : substituteVariables(source, vars))
  }
  return parts.map(part => `---\n${part.replace(/^---[^\n]*\n/, '')}`).join('')
}

function isDisabled(contents: unknown): boolean {
  if (!isMap(contents)) return false
  const metadata = contents.get('metadata')
  if (!isMap(metadata)) return false
  return ['labels', 'annotations'].some(field => {
    const map = metadata.get(field)
    return isMap(map) && map.get(DISABLED_KEY) === 'disabled'
  })
}
