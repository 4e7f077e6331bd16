import { describe, expect, it } from '@jest/globals'
import { type GoValue, renderGoTemplate } from '../../src/gotemplate/index.js'
import { applicationSetApplications } from '../../src/argocd/discover.js'
import type { ApplicationContext } from '../../src/argocd/application.js'
import { getErrorMessage } from '../../src/errors.js'

// The attacks an adversarial pass found on the Go template engine: each is refused with the
// bound it crosses (the work is counted, never timed).

const render = (text: string, data: GoValue = {}) => renderGoTemplate(text, data)
const failure = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return getErrorMessage(error)
  }
  return 'no error'
}
const STEPS = /^template takes more than 200000 steps to render \(hydrate's bound/
const CYCLE = /^template value contains itself \(a cycle/
const LIST = /^template list length \d+ is over hydrate's limit of 100000/
/** A list that holds itself twice, 40 levels down: 2^40 nodes in 41 objects. */
const DAG = '{{ $l := list 1 }}{{ range until 40 }}{{ $l = list $l $l }}{{ end }}'
/** A map that holds itself. */
const CYCLIC = '{{ $d := dict }}{{ $_ := set $d "a" $d }}'

describe('a function call is charged its work', () => {
  it.each([
    [
      'hashing a 1 MB string in a loop',
      '{{ range until 100000 }}{{ $x := repeat 1000000 "a" | sha256sum }}{{ end }}',
      {}
    ],
    [
      'a regex over 100000 characters in a loop (VM steps)',
      '{{ range until 60000 }}{{ $x := regexReplaceAll "a*b" $.s "x" }}{{ end }}',
      { s: 'a'.repeat(100000) }
    ],
    [
      'a 100000-element list in a loop',
      '{{ range until 100000 }}{{ $x := until 100000 }}{{ end }}',
      {}
    ],
    [
      'sorting 100000 strings (comparisons)',
      '{{ $l := until 100000 | toStrings }}{{ range until 2000 }}{{ $x := sortAlpha $l }}{{ end }}',
      {}
    ],
    [
      'uniq of lists (each DeepEqual charged)',
      '{{ $l := list }}{{ range until 3000 }}{{ $l = append $l (list .) }}{{ end }}{{ len (uniq $l) }}',
      {}
    ]
  ])('%s', (_, text, data) => {
    expect(failure(() => render(text, data as GoValue))).toMatch(STEPS)
  })
  it('uniq of scalars is linear, Go equality kept (int 1 and float 1 differ, nil once)', () => {
    expect(render('{{ len (uniq (until 20000)) }}')).toBe('20000')
    expect(render('{{ uniq (list 1 1 "1" 1.0 nil nil (list 1) (list 1) 2) }}')).toBe(
      '[1 1 1 <nil> [1] 2]'
    )
  })
  it('ranging over a 100000-key map pays for sorting its keys each time', () => {
    expect(
      failure(() =>
        render(
          '{{ $m := splitn "," 99990 $.s }}{{ range until 1000 }}{{ range $m }}{{ break }}{{ end }}{{ end }}',
          { s: ','.repeat(99990) }
        )
      )
    ).toMatch(STEPS)
  })
  it('sorts keep Go byte order when a surrogate pair is involved', () => {
    expect(render('{{ sortAlpha (list "😀" "｡" "b" "a") }}')).toBe('[a b ｡ 😀]')
    expect(render('{{ range $k, $v := . }}{{ $k }}{{ end }}', { '😀': 1, '｡': 2, a: 3 })).toBe(
      'a｡😀'
    )
  })
  it('a small template stays well inside the budget', () => {
    expect(render('{{ range until 3 }}{{ sortAlpha (list "b" "a") | join "," }};{{ end }}')).toBe(
      'a,b;a,b;a,b;'
    )
  })
})

describe('splits are bounded in list length', () => {
  const s = ','.repeat(1_000_000)
  it.each([
    ['split', '{{ len (split "," $.s) }}'],
    ['splitList', '{{ len (splitList "," $.s) }}'],
    ['splitn', '{{ len (splitn "," 2000000 $.s) }}'],
    ['regexSplit', '{{ len (regexSplit "," $.s -1) }}']
  ])('%s of 1 MB of separators', (_, text) => {
    expect(failure(() => render(text, { s }))).toMatch(LIST)
  })
})

describe('walks over a value count every node visited', () => {
  it.each([
    ['deepCopy', `${DAG}{{ $x := deepCopy $l }}`],
    [
      'deepEqual of two shared structures',
      `${DAG}{{ $m := list 1 }}{{ range until 40 }}{{ $m = list $m $m }}{{ end }}{{ deepEqual $l $m }}`
    ],
    [
      'mergeOverwrite',
      '{{ $d := dict "a" 1 }}{{ range until 40 }}{{ $d = dict "x" $d "y" $d }}{{ end }}{{ $x := mergeOverwrite (dict) $d }}'
    ],
    ['toJson', `${DAG}{{ toJson $l }}`],
    ['toYaml', `${DAG}{{ toYaml $l }}`],
    ['print', `${DAG}{{ print $l }}`],
    ['an action printing it', `${DAG}{{ $l }}`]
  ])('%s', (_, text) => {
    expect(failure(() => render(text))).toMatch(STEPS)
  })
  it('deepEqual of a value with itself is true without looking inside, as Go', () => {
    expect(render(`${DAG}{{ deepEqual $l $l }}`)).toBe('true')
  })
  it.each([
    ['deepCopy', `${CYCLIC}{{ deepCopy $d }}`],
    ['deepEqual', `${CYCLIC}{{ $e := dict }}{{ $_ := set $e "a" $e }}{{ deepEqual $d $e }}`],
    ['merge', `${CYCLIC}{{ merge (dict) $d }}`],
    ['mergeOverwrite', `${CYCLIC}{{ mergeOverwrite (dict) $d }}`],
    ['toJson', `${CYCLIC}{{ toJson $d }}`],
    ['toYaml', `${CYCLIC}{{ toYaml $d }}`],
    ['printf', `${CYCLIC}{{ printf "%v" $d }}`],
    ['an action printing it', `${CYCLIC}{{ $d }}`]
  ])('a cycle is refused by %s', (_, text) => {
    expect(failure(() => render(text))).toMatch(CYCLE)
  })
  it('a value nested past the bound is refused before any recursion', () => {
    expect(
      failure(() =>
        render('{{ $l := list }}{{ range until 2000 }}{{ $l = list $l }}{{ end }}{{ toJson $l }}')
      )
    ).toMatch(/^template value nests deeper than 1000/)
  })
})

describe('template text', () => {
  it('is bounded at 64 KiB per string', () => {
    expect(failure(() => render('{{ 1 }}'.repeat(54000)))).toMatch(
      /^template text size \(bytes\) 378000 is over hydrate's limit of 65536/
    )
  })
  it('just under the bound lexes and keeps byte offsets in errors (multi-byte text first)', () => {
    expect(render('{{ 1 }}'.repeat(9000))).toBe('1'.repeat(9000))
    expect(failure(() => render('ééé{{ 1 }}\nxé{{ index 1 2 }}'))).toMatch(
      /^template: base:2:6: executing "base" at <index 1 2>/
    )
    expect(failure(() => render('{{/* é */}}{{ len 3 }}'))).toMatch(/^template: base:1:15: /)
  })
})

describe('one budget per ApplicationSet across its strings and parameter sets', () => {
  const context: ApplicationContext = {
    repoRoot: '/nonexistent',
    defaults: {} as ApplicationContext['defaults'],
    isThisRepository: () => true,
    clusters: []
  }
  const applicationSet = (elements: number, loop: number) => ({
    name: 'many',
    location: { file: 'set.yaml', line: 1, column: 1 },
    locate: () => ({ file: 'set.yaml', line: 1, column: 1 }),
    object: {
      spec: {
        goTemplate: true,
        generators: [
          { list: { elements: Array.from({ length: elements }, (_, n) => ({ n: `a${n}` })) } }
        ],
        template: {
          metadata: { name: `{{ range until ${loop} }}{{ end }}{{ .n }}` },
          spec: { project: 'default' }
        }
      }
    }
  })
  it('each string within its own bound, the sum over the set refused', () => {
    expect(applicationSetApplications(applicationSet(3, 40000), context)).toHaveLength(3)
    expect(failure(() => applicationSetApplications(applicationSet(200, 40000), context))).toMatch(
      /templates of one ApplicationSet take more than 4000000 steps to render/
    )
  })
})

describe('string functions on a long string, in a loop', () => {
  // Measured at 50–350 ns a character; snakecase and kebabcase were quadratic (each word
  // copied the rest of the text), which no step count could bound.
  const text = 'aB c_d-é\n'.repeat(30000)
  it.each(['snakecase', 'kebabcase', 'b32enc', 'urlquery', 'swapcase', 'quote', 'initials'])(
    '%s is charged by the characters it reads',
    name => {
      expect(
        failure(() => render(`{{ range until 1000 }}{{ $x := ${name} $.s }}{{ end }}`, { s: text }))
      ).toMatch(STEPS)
    }
  )
})
