import { describe, expect, it } from '@jest/globals'
import { compileCel } from '../../src/admission/cel/env.js'
import { fromCel, toCel } from '../../src/admission/cel/values.js'
import { ConfigError } from '../../src/errors.js'

const here = { file: 'policies/p.yaml', line: 10, column: 17 }

function evaluate(expression: string, bindings: Record<string, unknown> = {}, limit?: number) {
  const input = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toCel(v)]))
  const outcome = compileCel(expression, here).evaluate(input, limit)
  if (!outcome.ok) throw new Error(outcome.error)
  return fromCel(outcome.value)
}

// The examples of "CEL in Kubernetes" (kubernetes.io/docs/reference/using-api/cel/), each true.
const DOCUMENTED: Record<string, string[]> = {
  lists: [
    '[1, 2, 3].isSorted()',
    "['a', 'b', 'b', 'c'].isSorted()",
    '![2, 1].isSorted()',
    '[1, 2, 3].sum() == 6',
    '[1, 2].max() == 2',
    '[3, 1, 2].min() == 1',
    '[1, 2, 3].indexOf(2) == 1',
    '[1, 2, 2, 3].lastIndexOf(2) == 2',
    '[1.0, 2.0].sum() == 3.0'
  ],
  regex: [
    "'abc 123'.find('[0-9]+') == '123'",
    "'123 abc 456'.findAll('[0-9]+') == ['123', '456']",
    "'123 abc 456'.findAll('[0-9]+', 1) == ['123']",
    "'abc'.find('[0-9]+') == ''",
    "'ABC'.matches('(?i)^abc$')"
  ],
  url: [
    "url('https://example.com:80/').getHost() == 'example.com:80'",
    "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
    "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
    "url('https://[::1]:80/').getHostname() == '::1'",
    "url('https://[::1]:80/').getPort() == '80'",
    "url('/absolute-path').getScheme() == ''",
    "isURL('https://example.com/')",
    "!isURL('not a url')"
  ],
  ip: [
    "isIP('127.0.0.1')",
    "!isIP('127.0.0.01')",
    "ip('127.0.0.1').family() == 4",
    "ip('::1').family() == 6",
    "ip('127.0.0.1').isLoopback()",
    "ip('fe80::1').isLinkLocalUnicast()",
    "ip('224.0.0.1').isLinkLocalMulticast()",
    "ip('0.0.0.0').isUnspecified()",
    "ip('8.8.8.8').isGlobalUnicast()",
    "ip.isCanonical('2001:db8::abcd')",
    "!ip.isCanonical('2001:DB8::ABCD')",
    "ip('::1') == ip('0:0::1')",
    "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))",
    "cidr('192.168.0.0/24').containsIP('192.168.0.1')",
    "!cidr('192.168.0.0/24').containsIP('192.168.1.1')",
    "cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')",
    "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
    "cidr('192.168.0.1/24').ip() == ip('192.168.0.1')",
    "cidr('::1/128').prefixLength() == 128",
    "isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')"
  ],
  quantity: [
    "isQuantity('200M')",
    "!isQuantity('20WM')",
    "quantity('500000G').isInteger()",
    "quantity('50k').asInteger() == 50000",
    "quantity('50k').add(20) == quantity('50020')",
    "quantity('50k').sub(quantity('20k')) == quantity('30k')",
    "quantity('200M').compareTo(quantity('0.2G')) == 0",
    "quantity('1Gi').isGreaterThan(quantity('1G'))",
    "quantity('100m').isLessThan(quantity('1'))",
    "quantity('-1').sign() == -1",
    "quantity('1.5').asApproximateFloat() == 1.5",
    "!quantity('1.5').isInteger()"
  ],
  semver: [
    "isSemver('1.0.0')",
    "!isSemver('v1.0')",
    "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
    "semver('1.2.3').compareTo(semver('2.0.0')) < 0",
    "semver('1.0.0-alpha').isLessThan(semver('1.0.0'))",
    "semver('1.0.0-rc.10').isGreaterThan(semver('1.0.0-rc.9'))"
  ],
  format: [
    "!format.dns1123Label().validate('my-label-name').hasValue()",
    "format.dns1123Label().validate('My_Label').hasValue()",
    "format.named('dns1123Subdomain').value().validate('a.b.c').hasValue() == false",
    "!format.named('no-such-format').hasValue()",
    "format.labelValue().validate('-bad').hasValue()"
  ],
  strings: [
    "'hello'.charAt(1) == 'e'",
    "'hello mellow'.indexOf('ello') == 1",
    "'hello mellow'.lastIndexOf('ello') == 7",
    "'TacoCat'.lowerAscii() == 'tacocat'",
    "'a,b,c'.split(',') == ['a', 'b', 'c']",
    "'  trim  '.trim() == 'trim'",
    "['a', 'b'].join('-') == 'a-b'",
    "'%s=%d'.format(['x', 1]) == 'x=1'"
  ],
  optional: [
    "{'a': 1}.?a.orValue(5) == 1",
    "{'a': 1}.?b.orValue(5) == 5",
    "{'a': {'b': 2}}.?a.?b.value() == 2",
    '[1, 2][?5].orValue(0) == 0',
    'optional.of(1).hasValue() && !optional.none().hasValue()',
    "optional.ofNonZeroValue('').or(optional.of('x')).value() == 'x'"
  ],
  macros: [
    'has(self.spec) && !has(self.status)',
    '[1, 2, 3].all(x, x > 0) && [1, 2, 3].exists(x, x == 2) && [1, 2, 3].exists_one(x, x > 2)',
    '[1, 2, 3].map(x, x * 2) == [2, 4, 6] && [1, 2, 3].filter(x, x > 1) == [2, 3]',
    'cel.bind(n, self.spec.replicas, n > 1 && n < 5)',
    "self.spec.replicas <= 5 && self.metadata.name.startsWith('web')",
    "'.?' == '.' + '?'"
  ]
}

describe('CEL with the Kubernetes libraries', () => {
  const self = { metadata: { name: 'web-1' }, spec: { replicas: 3 } }
  for (const [library, examples] of Object.entries(DOCUMENTED))
    it(`${library}: the documented examples hold`, () => {
      for (const example of examples)
        expect([example, evaluate(example, { self })]).toEqual([example, true])
    })

  it('reports a syntax error at the file, line and column of the expression', () => {
    expect(() => compileCel('object.spec.replicas <= ', here)).toThrow(ConfigError)
    expect(() => compileCel('object.spec.replicas <= ', here)).toThrow(
      /^policies\/p\.yaml:10:38: expression does not compile/
    )
    // On a later line of a block scalar: that line, the column in it.
    expect(() => compileCel('a &&\n  b +', here)).toThrow(/^policies\/p\.yaml:11:5:/)
  })

  it('stops an expression that would run for ever at its cost budget', () => {
    const range = 'self.n.map(i, i)'
    const hostile = `${range}.all(a, ${range}.all(b, ${range}.all(c, ${range}.all(d, true))))`
    const n = Array.from({ length: 200 }, (_, i) => i)
    const program = compileCel(hostile, here)
    const outcome = program.evaluate({ self: toCel({ n }) })
    expect(outcome).toEqual({
      ok: false,
      error: expect.stringMatching(/cost budget \(1000000\)/),
      budgetExceeded: true
    })
    // The same expression over a small list is within budget.
    expect(program.evaluate({ self: toCel({ n: [1, 2] }) })).toEqual({ ok: true, value: true })
  })

  it('charges string growth: repeated doubling is stopped', () => {
    const doubling =
      "self.n.map(i, i).all(x, cel.bind(s, self.s + self.s + self.s, s + s + s + s != ''))"
    const outcome = compileCel(doubling, here).evaluate({
      self: toCel({ n: Array.from({ length: 100 }, (_, i) => i), s: 'ab'.repeat(100000) })
    })
    expect(outcome.ok ? 'ran' : outcome.budgetExceeded).toBe(true)
  })

  it('charges what a function walks at every depth: lists of references built with cel.bind', () => {
    // l5 is ten references to l4 … to l0: cheap to build, 100,000 numbers to compare or
    // format (a PR's policy at depth 8 formatted 10^8 of them, for minutes per object).
    const chain = (name: string, depth: number, body: string) => {
      let text = body
      for (let i = depth; i >= 1; i--)
        text = `cel.bind(${name}${i}, [${Array(10)
          .fill(`${name}${i - 1}`)
          .join(', ')}], ${text})`
      return `cel.bind(${name}0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], ${text})`
    }
    const equal = chain('l', 5, chain('m', 5, 'l5 == m5'))
    expect(compileCel(equal, here).evaluate({}, 10_000)).toEqual({
      ok: false,
      error: expect.stringMatching(/cost budget \(10000\)/),
      budgetExceeded: true
    })
    // The same comparison one level down is within that budget.
    expect(compileCel(chain('l', 3, chain('m', 3, 'l3 == m3')), here).evaluate({}, 10_000)).toEqual(
      {
        ok: true,
        value: true
      }
    )
  })

  it('rejects a pattern RE2 does not accept (backreferences) instead of backtracking', () => {
    expect(() => evaluate("'aa'.matches('(a)\\\\1')")).toThrow(/invalid|error/i)
  })
})
