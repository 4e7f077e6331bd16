import {
  type GoValue,
  type MissingKey,
  missingKeyOption,
  renderGoTemplate,
  TemplateExecError,
  TemplateParseError,
  TemplateRefusedError
} from '../gotemplate/index.js'
import { getErrorMessage } from '../errors.js'

// One string of an ApplicationSet template in goTemplate mode, as Argo CD's Render.Replace
// runs it (applicationset/utils/utils.go): a clone of the template named `base` with the
// Sprig and Argo CD functions, goTemplateOptions applied, executed with the parameter set.

const MUTATING = /\b(set|unset|merge|mergeOverwrite|mustMerge|mustMergeOverwrite)\b/

/** A function hydrate refuses to run (not deterministic, or not supported). */
export class RefusedTemplate extends Error {}

/** goTemplateOptions: Go's template.Option panics on anything but `missingkey=…`. */
export function goTemplateMissingKey(options: unknown): MissingKey {
  if (options === undefined || options === null) return 'default'
  if (!Array.isArray(options) || options.some(o => typeof o !== 'string'))
    throw new Error('goTemplateOptions must be a list of strings')
  return missingKeyOption(options as string[])
}

/**
 * Replace(tmpl, params, true, options): Go's errors in Argo CD's words (`failed to execute go
 * template …`); a missing key under missingkey=error keeps hydrate's shorter message.
 */
export function renderGoString(
  text: string,
  params: Record<string, unknown>,
  missingKey: MissingKey
): string {
  // Text without an action is its own output.
  if (!text.includes('{{')) return text
  // A string that may change the parameters (`set`, `unset`, `merge…`) gets its own copy:
  // Argo CD reuses one map across fields, in Go's random map order.
  const data = (MUTATING.test(text) ? structuredClone(params) : params) as GoValue
  try {
    return renderGoTemplate(text, data, { name: 'base', missingKey })
  } catch (error) {
    if (error instanceof TemplateRefusedError)
      throw new RefusedTemplate(`template ${text}: ${error.message}`)
    if (error instanceof TemplateExecError) {
      const key = /^map has no entry for key "(.*)"$/.exec(error.detail)
      if (key && missingKey === 'error')
        throw new Error(
          `template {{${error.context}}}: map has no entry for key "${key[1]}" (goTemplateOptions missingkey=error)`
        )
      throw new Error(`failed to execute go template ${text}: ${error.message}`)
    }
    if (error instanceof TemplateParseError)
      throw new Error(`failed to parse template ${text}: ${error.message}`)
    throw new Error(`failed to execute go template ${text}: ${getErrorMessage(error)}`)
  }
}
