import { describe, expect, it } from '@jest/globals'
import { HELM_VERSIONS } from './helpers/tools.js'
import {
  CASES,
  ERROR_CASES,
  HELPERS,
  NEWER_ERROR_CASES,
  PARAMS
} from './helpers/goTemplateCases.js'
import { ERROR_FILE, errorFileText, helmError, helmOutputs } from './helpers/goTemplateHelm.js'
import { FUNCTION_TABLE, renderGoTemplate } from '../src/gotemplate/index.js'
import { getErrorMessage } from '../src/errors.js'

// The differential suite: helm's `template` IS Go's text/template with Sprig. Each case runs
// through real helm 3 and helm 4 and through our engine; the outputs (and Go's error texts)
// must be the same.

const ours = (template: string) => {
  try {
    return renderGoTemplate(HELPERS + template, structuredClone(PARAMS) as never)
  } catch (error) {
    return `ERROR ${getErrorMessage(error)}`
  }
}

/**
 * Go 1.25 added the two types to "incompatible types for comparison". Argo CD v3.5 and helm 4
 * are built with Go 1.25 or later, helm 3.18 with Go 1.24: for helm 3 the types are dropped.
 */
const asGo124 = (message: string) =>
  message.replace(/(incompatible types for comparison): \S+ and \S+$/, '$1')

describe.each(HELM_VERSIONS)('Go templates as $label renders them', ({ bin, label }) => {
  const outputs = helmOutputs(
    bin,
    CASES.map(c => c.template),
    PARAMS,
    HELPERS
  )

  it(`covers ${CASES.length} expressions`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150)
  })

  // Helm 3.18 bundles Masterminds/semver v3.3; Argo CD v3.5 and helm 4 bundle v3.4.
  const compared = CASES.map((c, i) => [c, i] as const).filter(
    ([c]) => label !== 'helm 3' || !c.newerThanHelm3
  )
  it.each(compared.map(([c, i]) => [c.template, i] as const))('%s', (template, i) => {
    expect(ours(template)).toBe(outputs[i])
  })

  const errorCases = label === 'helm 3' ? ERROR_CASES : [...ERROR_CASES, ...NEWER_ERROR_CASES]
  it.each(errorCases)('fails as Go does: %s', template => {
    let ourError = 'no error'
    try {
      renderGoTemplate(
        errorFileText(template),
        { Values: { p: JSON.stringify(PARAMS) } },
        { name: ERROR_FILE }
      )
    } catch (error) {
      ourError = getErrorMessage(error)
    }
    expect(label === 'helm 3' ? asGo124(ourError) : ourError).toBe(helmError(bin, template, PARAMS))
  })
})

/** Functions helm replaces with its own, or does not have: covered by test/unit/gotemplate.test.ts. */
const NOT_HELM_SPRIG = new Set([
  'normalize',
  'slugify',
  'toYaml',
  'fromYaml',
  'fromYamlArray',
  'fail'
])

it('every supported function runs in at least one helm case', () => {
  const used = new Set(
    CASES.flatMap(c => [...c.template.matchAll(/[A-Za-z_][\w]*/g)].map(m => m[0]))
  )
  const missing = [...FUNCTION_TABLE]
    .filter(
      ([name, status]) => status === 'supported' && !NOT_HELM_SPRIG.has(name) && !used.has(name)
    )
    .map(([name]) => name)
  expect(missing).toEqual([])
})
