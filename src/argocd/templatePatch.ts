import { type MissingKey, yamlToJsonValue } from '../gotemplate/index.js'
import { renderTemplate, UnsupportedGenerator, type Params } from './applicationSet.js'
import { isObject } from './manifests.js'
import { mergePatch } from './sourceOverrides.js'

// spec.templatePatch (applicationset/controllers/template/patch.go): the patch text rendered
// with the parameter set (Render.Replace, in either template mode), read as JSON when it starts
// with `{` else as YAML (sigs.k8s.io/yaml, YAML 1.1), then applied to the generated Application
// as a strategic merge patch. Application has no list merge keys, so that is a JSON merge
// patch (maps merge, lists and scalars replace, null deletes); `$patch`-style directives are
// refused. The project cannot be patched: Argo CD restores it.

function directive(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(directive).find(d => d !== undefined)
  if (!isObject(value)) return undefined
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) return key
    const inner = directive(item)
    if (inner !== undefined) return inner
  }
  return undefined
}

export function applyTemplatePatch(
  app: Record<string, unknown>,
  templatePatch: unknown,
  params: Params,
  goTemplate: boolean,
  missingKey: MissingKey
): Record<string, unknown> {
  if (typeof templatePatch !== 'string') throw new Error('templatePatch must be a string')
  let text: string
  try {
    text = renderTemplate(templatePatch, params, goTemplate, missingKey) as string
  } catch (error) {
    if (error instanceof UnsupportedGenerator) throw error
    throw new Error(`error replacing values in templatePatch: ${(error as Error).message}`)
  }
  let patch: unknown
  if (text.trim().startsWith('{')) {
    try {
      patch = JSON.parse(text) as unknown
    } catch (error) {
      throw new Error(`invalid templatePatch ${JSON.stringify(text)}: ${(error as Error).message}`)
    }
  } else {
    try {
      patch = yamlToJsonValue(text)
    } catch (error) {
      throw new Error(
        `error while converting template to json ${JSON.stringify(text)}: ${(error as Error).message}`
      )
    }
  }
  if (patch === null || patch === undefined) return app
  if (!isObject(patch))
    throw new Error(`invalid templatePatch ${JSON.stringify(text)}: not a mapping`)
  const found = directive(patch)
  if (found !== undefined)
    throw new UnsupportedGenerator(`templatePatch directive ${found} is not supported`)
  const patched = mergePatch(app, patch) as Record<string, unknown>
  const spec = isObject(app.spec) ? app.spec : {}
  if (isObject(patched.spec)) {
    if (spec.project === undefined) delete patched.spec.project
    else patched.spec.project = spec.project
  }
  return patched
}
