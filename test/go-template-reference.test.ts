import { describe, expect, it } from '@jest/globals'
import { getErrorMessage } from '../src/errors.js'
import { missingKeyOption, renderGoTemplate } from '../src/gotemplate/index.js'
import {
  argoMetadataReference,
  buildArgoTemplateReference,
  type ArgoTemplateCase,
  type ArgoTemplateResult
} from './helpers/argoReference.js'
import { CASES, HELPERS, PARAMS } from './helpers/goTemplateCases.js'

// The second oracle: Go's text/template with the function map Argo CD's ApplicationSet
// controller builds (sprig's GenericFuncMap minus env, expandenv, getHostByName; plus normalize,
// toYaml, fromYaml, fromYamlArray), in a Go program of our own (test/reference/argo-template).
// helm (test/gotemplate-helm.test.ts) has helm's map instead; this one has Argo CD's, but
// Debian's Go 1.19 and sprig 3.2.3 where Argo CD v3.5 has Go 1.26 and sprig 3.3.0.

const bin = buildArgoTemplateReference()
const reference = (cases: ArgoTemplateCase[]) =>
  argoMetadataReference<ArgoTemplateResult>(bin, cases)

const ours = (c: ArgoTemplateCase): ArgoTemplateResult => {
  try {
    const output = renderGoTemplate(c.template, structuredClone(c.params) as never, {
      missingKey: missingKeyOption(c.options ?? [])
    })
    return { output }
  } catch (error) {
    return { error: getErrorMessage(error) }
  }
}

/** Cases where Argo CD v3.5's Go and sprig are newer than Debian's (helm 4 agrees with ours). */
const NEWER_THAN_THE_REFERENCE = new Map([
  ['{{ with .empty }}yes{{ else with .name }}{{ . }}{{ end }}', '`else with`: Go 1.23'],
  ['{{ range 3 }}{{ . }}{{ end }}', 'range over an integer: Go 1.22'],
  ['{{ sha512sum "abc" }}', 'sha512sum: sprig 3.3.0'],
  ['{{ semverCompare "!=1.2.3" "1.2.3-beta.1" }}', 'Masterminds/semver 3.4']
])
const newer = (template: string) =>
  [...NEWER_THAN_THE_REFERENCE.keys()].some(key => template.includes(key))

/** Argo CD wraps Go's error; the engine gives Go's own text (src/argocd/goTemplate.ts wraps it). */
const unwrapped = (result: ArgoTemplateResult): ArgoTemplateResult =>
  'error' in result
    ? {
        error: result.error.replace(
          /^failed to (?:parse|execute go) template [\s\S]*?: (?=template: )/,
          ''
        )
      }
    : result

const compared = (cases: ArgoTemplateCase[]) => {
  const expected = reference(cases).map(unwrapped)
  return cases.map((c, i) => [c.template, c, expected[i] as ArgoTemplateResult] as const)
}

describe('Go templates against Argo CD’s function map (a Go reference program)', () => {
  const cases = CASES.filter(c => !newer(c.template)).map(c => ({
    template: HELPERS + c.template,
    params: PARAMS
  }))

  it('compares every helm case but the ones newer than the reference', () => {
    expect(cases.length).toBe(CASES.length - 4)
  })

  it.each(compared(cases))('%s', (_template, c, expected) => {
    expect(ours(c)).toEqual(expected)
  })
})

/** Argo CD's own four functions, and goTemplateOptions, which helm does not have. */
const ARGO_PARAMS = {
  name: 'Foo__Bar',
  upper: 'ÄBC.Example_Cluster-',
  long: 'x'.repeat(300),
  values: { replicas: 2, on: 'yes', list: [1, 'two', null, { deep: true }], empty: {} },
  text: 'a: 1\nb: [x, y]\nc: {d: "no"}\n',
  listText: '- a\n- 2\n- {b: c}\n',
  n: 1000000
}

describe('Argo CD’s functions and goTemplateOptions against the Go reference', () => {
  const argoCases: ArgoTemplateCase[] = [
    '{{ normalize .name }}',
    '{{ normalize .upper }}',
    '{{ normalize .long | len }}',
    '{{ normalize "-.a..b-." }}',
    '{{ .name | normalize | upper }}',
    '{{ toYaml .values }}',
    '{{ toYaml .values | nindent 4 }}',
    '{{ toYaml .n }} {{ toYaml "yes" }} {{ toYaml "" }} {{ toYaml .values.empty }}',
    '{{ toYaml (list "on" "1.0" "~" "a: b") }}',
    '{{ (fromYaml .text).b }} {{ (fromYaml .text).c.d }} {{ (fromYaml .text).a }}',
    '{{ fromYaml .text | toYaml }}',
    '{{ fromYamlArray .listText | toJson }}',
    '{{ fromYaml "- a" }}',
    '{{ fromYamlArray "a: b" }}'
  ].map(template => ({ template, params: ARGO_PARAMS }))
  const optionCases: ArgoTemplateCase[] = [
    { template: '{{ .missing }}', params: ARGO_PARAMS, options: [] },
    { template: '{{ .missing }}', params: ARGO_PARAMS, options: ['missingkey=default'] },
    { template: '{{ .missing }}', params: ARGO_PARAMS, options: ['missingkey=invalid'] },
    { template: '{{ .missing }}', params: ARGO_PARAMS, options: ['missingkey=zero'] },
    { template: '{{ .missing }}', params: ARGO_PARAMS, options: ['missingkey=error'] },
    { template: '{{ .values.nope }}', params: ARGO_PARAMS, options: ['missingkey=error'] },
    { template: '{{ .values.replicas }}', params: ARGO_PARAMS, options: ['missingkey=error'] },
    { template: '{{ default "d" .missing }}', params: ARGO_PARAMS, options: ['missingkey=zero'] }
  ]

  it.each(compared([...argoCases, ...optionCases]))('%s', (_template, c, expected) => {
    expect(ours(c)).toEqual(expected)
  })

  it('fails where fromYaml cannot parse, with go-yaml’s words replaced by the yaml package’s', () => {
    const c = { template: '{{ fromYaml "a: [" }}', params: ARGO_PARAMS }
    const [expected] = reference([c]).map(unwrapped)
    const prefix = (result: ArgoTemplateResult | undefined) =>
      result && 'error' in result ? result.error.replace(/ yaml: .*$/, ' yaml:') : result
    expect(prefix(expected)).toBe(
      'template: base:1:3: executing "base" at <fromYaml "a: [">: error calling fromYaml: error converting YAML to JSON: yaml:'
    )
    expect(prefix(ours(c))).toBe(prefix(expected))
  })
})
