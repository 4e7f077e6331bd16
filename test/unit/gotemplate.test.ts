import { describe, expect, it } from '@jest/globals'
import {
  FUNCTION_TABLE,
  type GoValue,
  renderGoTemplate,
  TemplateExecError,
  TemplateParseError,
  TemplateRefusedError
} from '../../src/gotemplate/index.js'
import { renderGoString } from '../../src/argocd/goTemplate.js'
import { getErrorMessage } from '../../src/errors.js'

// The engine without processes: what helm cannot show (Argo CD's own functions, the
// missingkey modes helm does not use, Go's random map order), the refusals and the bounds.

const render = (
  text: string,
  data: GoValue = {},
  missingKey?: 'default' | 'zero' | 'error' | 'invalid'
) => renderGoTemplate(text, data, { missingKey })
const failure = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return getErrorMessage(error)
  }
  return 'no error'
}

describe("Argo CD's own test table (applicationset/utils/utils_test.go TestRenderTemplateParamsGoTemplate)", () => {
  const argo = (text: string, params: Record<string, unknown>, options: string[] = []) =>
    failure(() => {
      throw new Error(
        renderGoString(text, params, options.includes('missingkey=error') ? 'error' : 'default')
      )
    })
  it.each([
    ['{{ .one }}', { one: 'two' }, 'two'],
    ['{{ .one }}', { one: '{{one}}' }, '{{one}}'],
    ['{{.one}} {{.three}}', { one: '"hello" world', three: 'four' }, '"hello" world four'],
    [
      '{{ .image.name }}:{{ .image.version }}',
      { image: { name: 'busybox', version: 'latest' } },
      'busybox:latest'
    ],
    [
      '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}',
      { replicas: 3, hpa: { enabled: false, maxReplicas: 5 } },
      '3'
    ],
    [
      '{{ range .volumes }}[{{ .name }}]{{ end }}',
      { volumes: [{ name: 'volume-one' }, { name: 'volume-two' }] },
      '[volume-one][volume-two]'
    ],
    [
      `{{ index .admin "admin-ca" }}, {{ index .admin "admin-jks" }}`,
      { admin: { 'admin-ca': 'value admin ca', 'admin-jks': 'value admin jks' } },
      'value admin ca, value admin jks'
    ],
    ['--> {{.doesnotexist}} <--', { unused: 'x' }, '--> <no value> <--'],
    [
      '{{ toYaml . | indent 2 }}',
      { foo: { bar: { bool: true, number: 2, str: 'Hello world' } } },
      '  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world'
    ],
    ['{{ get (fromYaml .value) "hello" }}', { value: 'hello: world' }, 'world'],
    [
      '{{ fromYamlArray .value | last }}',
      { value: '- hello world\n- bonjour tout le monde' },
      'bonjour tout le monde'
    ]
  ])('%s', (text, params, expected) => {
    expect(argo(text, params)).toBe(expected)
  })

  it.each([
    [
      '{{functiondoesnotexist}}',
      { data: 'a data string' },
      'failed to parse template {{functiondoesnotexist}}: template: base:1: function "functiondoesnotexist" not defined'
    ],
    [
      '{{.data.test}}',
      { data: 'a data string' },
      `failed to execute go template {{.data.test}}: template: base:1:7: executing "base" at <.data.test>: can't evaluate field test in type interface {}`
    ],
    [
      '{{ get (fromYaml .value) "hello" }}',
      { value: 'non\n compliant\n yaml' },
      'failed to execute go template {{ get (fromYaml .value) "hello" }}: template: base:1:8: executing "base" at <fromYaml .value>: error calling fromYaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}'
    ],
    [
      '{{ fromYamlArray .value | last }}',
      { value: 'non\n compliant\n yaml' },
      'failed to execute go template {{ fromYamlArray .value | last }}: template: base:1:3: executing "base" at <fromYamlArray .value>: error calling fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}'
    ]
  ])('fails: %s', (text, params, message) => {
    expect(argo(text, params)).toBe(message)
  })

  it("missingkey=error keeps hydrate's message, naming the action", () => {
    expect(argo('--> {{.doesnotexist}} <--', { unused: 'x' }, ['missingkey=error'])).toBe(
      'template {{.doesnotexist}}: map has no entry for key "doesnotexist" (goTemplateOptions missingkey=error)'
    )
  })
})

describe("Argo CD's normalize and slugify (utils_test.go TestSlugify, template_functions.go)", () => {
  const branch =
    'feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature'
  const single =
    'feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature'
  it.each([
    [`{{ slugify 50 false .b }}`, branch, 'feat-a-really-long-pull-request-name-to-test-argo'],
    [`{{ slugify 53 true .b }}`, branch, 'feat-a-really-long-pull-request-name-to-test-argo'],
    [`{{ slugify 50 true .b }}`, single, 'feat'],
    [`{{ slugify 50 false .b }}`, single, 'feat-areallylongpullrequestnametotestargoslugifica'],
    ['{{ normalize .b }}', 'Foo__Bar.Baz_', 'foo--bar.baz'],
    ['{{ normalize .b }}', '--In_Cluster--', 'in-cluster'],
    ['{{ slugify .b }}', 'Feature/JIRA-123_Add.Thing', 'feature-jira-123-add-thing']
  ])('%s with %s', (text, b, expected) => {
    expect(render(text, { b })).toBe(expected)
  })
})

describe('missingkey, as Go documents it (text/template/exec.go evalField: mapInvalid, mapZeroValue, mapError)', () => {
  // helm runs with missingkey=zero and turns `<no value>` into "", so these come from Go's
  // documented behaviour, not from the helm differential.
  it('default and invalid print <no value>; zero prints the nil interface{} as <no value> too', () => {
    for (const mode of ['default', 'invalid'] as const)
      expect(render('{{ .a }}|{{ .a.b }}', {}, mode)).toBe('<no value>|<no value>')
    expect(render('{{ .a }}', {}, 'zero')).toBe('<no value>')
    // Under zero, .a is a nil interface{}, and a field of it is Go's nil pointer error.
    expect(failure(() => render('{{ .a.b }}', {}, 'zero'))).toBe(
      'template: base:1:5: executing "base" at <.a.b>: nil pointer evaluating interface {}.b'
    )
  })
  it("error fails with Go's text", () => {
    expect(failure(() => render('x{{ .a.b }}', {}, 'error'))).toBe(
      'template: base:1:6: executing "base" at <.a.b>: map has no entry for key "a"'
    )
  })
  it('a missing value to a string parameter: invalid value (default) or wrong type (zero)', () => {
    expect(failure(() => render('{{ lower .a }}'))).toBe(
      'template: base:1:9: executing "base" at <.a>: invalid value; expected string'
    )
    expect(failure(() => render('{{ lower .a }}', {}, 'zero'))).toBe(
      'template: base:1:9: executing "base" at <.a>: wrong type for value; expected string; got interface {}'
    )
    expect(render('{{ default "d" .a }}')).toBe('d')
  })
  it('a JSON null prints <no value> (evalPipeline digs into the interface)', () => {
    expect(render('{{ .n }}', { n: null })).toBe('<no value>')
  })
})

describe('what hydrate refuses', () => {
  it.each(['now', 'randAlpha 3', 'uuidv4', 'randInt 1 5', 'genCA "x" 3', 'shuffle "abc"'])(
    'the not deterministic %s, by name',
    call => {
      const name = call.split(' ')[0] as string
      expect(() => render(`{{ ${call} }}`)).toThrow(TemplateRefusedError)
      expect(failure(() => render(`{{ ${call} }}`))).toBe(
        `template function ${name} is not deterministic; hydrate refuses it (the same commit must render the same output)`
      )
    }
  )
  it('an unsupported Sprig function, by name, only when it runs', () => {
    expect(failure(() => render('{{ semver .x }}', { x: '1.2.3' }))).toBe(
      'template function semver is not supported (returns a Go object with methods, which hydrate does not model)'
    )
    expect(render('{{ if false }}{{ now }}{{ end }}ok')).toBe('ok')
  })
  it('the functions Argo CD removed do not parse, as in Argo CD', () => {
    for (const name of ['env', 'expandenv', 'getHostByName']) {
      expect(() => render(`{{ ${name} "HOME" }}`)).toThrow(TemplateParseError)
      expect(failure(() => render(`{{ ${name} "HOME" }}`))).toBe(
        `template: base:1: function "${name}" not defined`
      )
    }
  })
})

describe('work bounds (a template from a pull request)', () => {
  it('total steps', () => {
    expect(
      failure(() => render('{{ range until 1000 }}{{ range until 1000 }}{{ end }}{{ end }}'))
    ).toMatch(/^template takes more than 200000 steps to render/)
  })
  it('output bytes', () => {
    expect(failure(() => render('{{ range until 3000 }}{{ repeat 1000 "x" }}{{ end }}'))).toMatch(
      /^template output is over 1048576 bytes/
    )
    expect(failure(() => render('{{ repeat 2000000 "x" }}'))).toMatch(
      /^template repeat output \(bytes\) 2000000 is over/
    )
  })
  it('functions whose output outgrows their input: indent, replace, wrapWith; printf widths as fmt caps them', () => {
    const big = { t: 'a\n'.repeat(100000) }
    expect(failure(() => render('{{ indent 100 .t }}', big))).toMatch(
      /^template indent output \(bytes\) \d+ is over/
    )
    expect(failure(() => render('{{ replace "a" (repeat 100 "b") .t }}', big))).toMatch(
      /^template replace output/
    )
    expect(failure(() => render('{{ wrapWith 1 (repeat 100 "b") .t }}', big))).toMatch(
      /^template wrap output/
    )
    // fmt's parsenum and intFromArg (fmt/print.go), as Go prints them: past 1e6 a literal
    // width loses the rest of the format; from `*` (or negative precision) it is BADWIDTH/BADPREC.
    expect(render('{{ printf "%99999999d|%.99999999f" 1 1.5 }}')).toBe(
      '%!(NOVERB)%!(EXTRA int=1, float64=1.5)'
    )
    expect(render('{{ printf "%*d|%.*f|%.*f|%*d|" 99999999 1 99999999 1.5 -2 1.5 "x" 1 }}')).toBe(
      '%!(BADWIDTH)1|%!(BADPREC)1.500000|%!(BADPREC)1.500000|%!(BADWIDTH)1|'
    )
  })
  it('one large string many times: join, printf, toJson, toYaml stop at the bound', () => {
    const many = `{{ $s := repeat 900000 "x" }}{{ $l := list ${'$s '.repeat(20)}}}`
    for (const call of [
      'join "" $l',
      'printf "%v" $l',
      '$l',
      'toJson $l',
      'toYaml $l',
      'print $s $s'
    ])
      expect(failure(() => render(`${many}{{ ${call} }}`))).toMatch(
        // Whichever bound comes first: the output's size, or the steps its bytes are charged.
        /^template ((join|printf|JSON|toYaml|print|quote|regex replace) output is over 1048576 bytes|takes more than 200000 steps)/
      )
  })
  it('list sizes', () => {
    expect(failure(() => render('{{ until 10000000 | len }}'))).toMatch(
      /^template list length 100001 is over hydrate's limit of 100000/
    )
    expect(failure(() => render('{{ seq 10000000 }}'))).toMatch(/^template list length/)
  })
  it('regexes in linear time: a pattern that backtracks for ever elsewhere', () => {
    const text = `${'a'.repeat(5000)}!`
    expect(render('{{ regexReplaceAll "(a+)+$" .t "x" }}', { t: text })).toBe(text)
    expect(render('{{ regexMatch "(a|aa)*b" .t }}', { t: text })).toBe('false')
  })
  it('regex work over all the searches of one call, charged to the template steps', () => {
    // Each `a` starts a thread that runs to the end looking for `b`: quadratic in the text.
    expect(
      failure(() => render('{{ regexFindAll "a.*b|a" .t -1 }}', { t: 'a'.repeat(20000) }))
    ).toMatch(/^template takes more than 200000 steps to render/)
  })
  it('regex work (text × program)', () => {
    expect(
      failure(() =>
        render('{{ regexFind "(a|b|c|d|e|f|g|h){50}z" .t }}', { t: 'ab'.repeat(200000) })
      )
    ).toMatch(/^template regex work \(text × program\) \d+ is over hydrate's limit/)
  })
  it('nesting depth of expressions and blocks (Go allows 10000)', () => {
    expect(render(`{{ ${'('.repeat(150)}1${')'.repeat(150)} }}`)).toBe('1')
    expect(failure(() => render(`{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`))).toMatch(
      /^template nests expressions and blocks deeper than 200/
    )
    expect(
      failure(() => render(`${'{{ if 1 }}'.repeat(1000)}x${'{{ end }}'.repeat(1000)}`))
    ).toMatch(/^template nests expressions and blocks deeper than 200/)
  })
  it('template recursion (Go allows 100000)', () => {
    expect(
      failure(() => render('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}'))
    ).toMatch(/^template calls nest deeper than 64/)
  })
})

describe('the parser, as Go parses', () => {
  it.each([
    ['{{ .a', 'template: base:1: unclosed action'],
    ['{{ 3x }}', 'template: base:1: bad number syntax: "3x"'],
    ['{{ if .a }}', 'template: base:1: unexpected EOF'],
    ['{{ end }}', 'template: base:1: unexpected {{end}}'],
    ['{{ $x }}', 'template: base:1: undefined variable "$x"'],
    ['{{ continue }}', 'template: base:1: {{continue}} outside {{range}}'],
    ['{{ .a | "x" }}', 'template: base:1: non executable command in pipeline stage 2'],
    ['{{ "a".b }}', 'template: base:1: unexpected . after term "\\"a\\""'],
    ['{{ /* x */ }}', 'template: base:1: unexpected "/" in command'],
    ['{{/* x */ .a }}', 'template: base:1: comment ends before closing delimiter'],
    ['{{ range $a, $b, $c := .l }}{{ end }}', 'template: base:1: too many declarations in range'],
    ['\n\n{{ nope }}', 'template: base:3: function "nope" not defined']
  ])('%s', (text, message) => {
    expect(failure(() => render(text))).toBe(message)
  })
  it('trim markers need the space; `{{-3}}` is a number', () => {
    expect(render('a {{- 3 -}} b')).toBe('a3b')
    expect(render('a {{-3}} b')).toBe('a -3 b')
  })
  it("exec errors are TemplateExecError, with Go's line and byte column", () => {
    expect(() => render('{{ .a.b }}', { a: 'x' })).toThrow(TemplateExecError)
    expect(failure(() => render('ü\n  {{ .a.b }}', { a: 'x' }))).toBe(
      `template: base:2:7: executing "base" at <.a.b>: can't evaluate field b in type interface {}`
    )
  })
})

describe("Go's random map order, made one order", () => {
  it('keys and values come back sorted by key (one of the orders Go may give)', () => {
    expect(render('{{ keys . }}|{{ values . }}', { b: 2, a: 1, c: 3 })).toBe('[a b c]|[1 2 3]')
  })
  it('set on the parameters does not leak into the next field (Argo CD: depends on map order)', () => {
    const params = { a: 'x' }
    expect(renderGoString('{{ $_ := set . "a" "y" }}{{ .a }}', params, 'default')).toBe('y')
    expect(renderGoString('{{ .a }}', params, 'default')).toBe('x')
  })
})

describe('Sprig functions helm replaces with its own', () => {
  it("fromJson is Sprig's: nil on bad JSON, any JSON value (helm's returns a map with Error)", () => {
    expect(render('{{ fromJson "[1," }}|{{ fromJson "3" }}|{{ typeOf (fromJson "3") }}')).toBe(
      '<no value>|3|float64'
    )
    expect(failure(() => render('{{ mustFromJson "[1," }}'))).toMatch(
      /error calling mustFromJson: /
    )
  })
})

describe('the function table', () => {
  it("names every GenericFuncMap function once, with Argo CD's five", () => {
    for (const name of [
      'normalize',
      'slugify',
      'toYaml',
      'fromYaml',
      'fromYamlArray',
      'sha512sum',
      'dig',
      'now',
      'env'
    ])
      expect(FUNCTION_TABLE.has(name)).toBe(true)
    expect(FUNCTION_TABLE.size).toBeGreaterThan(200)
  })
  it('every supported function runs (no name without a body)', () => {
    const supported = [...FUNCTION_TABLE]
      .filter(([, status]) => status === 'supported')
      .map(([name]) => name)
    for (const name of supported)
      expect(failure(() => render(`{{ ${name} }}`))).not.toMatch(
        /not supported|not deterministic|not defined/
      )
  })
  it('Sprig fail, as Go reports a function error', () => {
    expect(failure(() => render('{{ fail "stop" }}'))).toBe(
      'template: base:1:3: executing "base" at <fail "stop">: error calling fail: stop'
    )
  })
})
