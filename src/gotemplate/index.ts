import { execute, type MissingKey } from './exec.js'
import { FUNCTIONS, refusalOf } from './table.js'
import { parseTemplate } from './parse.js'
import type { GoValue } from './values.js'

export { TemplateExecError, TemplateParseError, TemplateRefusedError } from './errors.js'
export type { MissingKey } from './exec.js'
export type { GoValue } from './values.js'
export { FUNCTION_TABLE, type FunctionStatus } from './table.js'
export { yamlToJsonValue } from './argo.js'
export { withApplicationSetBudget } from './budget.js'

// Go text/template with the functions Argo CD's ApplicationSet controller registers (Sprig's
// GenericFuncMap minus env, expandenv and getHostByName, plus normalize, slugify, toYaml,
// fromYaml, fromYamlArray). Not deterministic functions are refused by name.

export interface GoTemplateOptions {
  /** The template's name in Go's error texts (Argo CD clones a template named `base`). */
  name?: string
  /** goTemplateOptions `missingkey=…`. */
  missingKey?: MissingKey
}

/** Parses and executes one template with `data` as dot, as template.Execute would. */
export function renderGoTemplate(
  text: string,
  data: GoValue,
  options: GoTemplateOptions = {}
): string {
  const name = options.name ?? 'base'
  const parsed = parseTemplate(name, text, fn => FUNCTIONS.has(fn) || refusalOf(fn) !== undefined)
  return execute(parsed, text, data, {
    missingKey: options.missingKey ?? 'default',
    funcs: FUNCTIONS,
    refusal: refusalOf
  })
}

/** goTemplateOptions as Argo CD passes them to template.Option: only `missingkey=…` exists. */
export function missingKeyOption(options: readonly string[]): MissingKey {
  let mode: MissingKey = 'default'
  for (const option of options) {
    const m = /^missingkey=(default|invalid|zero|error)$/.exec(option)
    if (!m)
      throw new Error(
        option.startsWith('missingkey=')
          ? `unrecognized option: ${option}`
          : `unrecognized option: ${option}`
      )
    mode = m[1] as MissingKey
  }
  return mode
}
