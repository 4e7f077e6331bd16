import { describe, expect, it } from '@jest/globals'
import { isCelList, isCelMap, isCelUint, type CelValue } from '@bufbuild/cel'
import {
  getConformanceSuite,
  type IncrementalTestSuite
} from '@bufbuild/cel-spec/testdata/tests.js'
import type { Value } from '@bufbuild/cel-spec/cel/expr/value_pb.js'
import { compileCel } from '../../src/admission/cel/env.js'

/**
 * The CEL conformance data of @bufbuild/cel-spec, the subset this runtime supports: tests
 * without bindings, containers or protobuf messages, whose expected result is a plain value
 * or an error. The pass count is recorded in docs/policies.md; this test holds it.
 */
const SUITES = [
  'basic',
  'comparisons',
  'conversions',
  'fp_math',
  'integer_math',
  'lists',
  'logic',
  'macros',
  'macros2',
  'parse',
  'plumbing',
  'string',
  'string_ext',
  'bindings_ext',
  'optionals'
]
const PROTO = /TestAllTypes|google\.protobuf|cel\.expr|proto|\.Enum|type\(|dyn\(|timestamp|duration/

type Plain = null | boolean | number | string | Plain[] | { map: Array<[Plain, Plain]> }

function expected(value: Value): Plain | undefined {
  const kind = value.kind
  switch (kind.case) {
    case 'nullValue':
      return null
    case 'boolValue':
      return kind.value
    case 'int64Value':
      return `int:${kind.value}`
    case 'uint64Value':
      return `uint:${kind.value}`
    case 'doubleValue':
      return Number.isNaN(kind.value) ? 'NaN' : kind.value
    case 'stringValue':
      return `str:${kind.value}`
    case 'bytesValue':
      return `bytes:${Buffer.from(kind.value).toString('hex')}`
    case 'listValue': {
      const items = kind.value.values.map(expected)
      return items.includes(undefined) ? undefined : (items as Plain[])
    }
    case 'mapValue': {
      const entries = kind.value.entries.map(
        e => [expected(e.key!), expected(e.value!)] as [Plain, Plain]
      )
      return {
        map: entries.sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])))
      }
    }
    default:
      return undefined
  }
}

function actual(value: CelValue): Plain | undefined {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'bigint') return `int:${value}`
  if (isCelUint(value)) return `uint:${value.value}`
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : value
  if (typeof value === 'string') return `str:${value}`
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`
  if (isCelList(value)) return [...value].map(v => actual(v as CelValue)) as Plain[]
  if (isCelMap(value))
    return {
      map: [...value.entries()]
        .map(([k, v]) => [actual(k as CelValue), actual(v as CelValue)] as [Plain, Plain])
        .sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])))
    }
  return undefined
}

function* tests(suite: IncrementalTestSuite): Generator<IncrementalTestSuite['tests'][number]> {
  yield* suite.tests
  for (const inner of suite.suites) yield* tests(inner)
}

describe('CEL conformance (cel-spec)', () => {
  it('passes the supported subset', () => {
    let passed = 0
    let run = 0
    const failed: string[] = []
    for (const suite of getConformanceSuite().suites.filter(s => SUITES.includes(s.name)))
      for (const test of tests(suite)) {
        const t = test.original
        if (
          Object.keys(t.bindings).length > 0 ||
          t.container ||
          t.disableMacros ||
          t.checkOnly ||
          PROTO.test(t.expr)
        )
          continue
        const matcher = t.resultMatcher
        const want =
          matcher.case === 'value'
            ? expected(matcher.value)
            : matcher.case === undefined
              ? true
              : matcher.case === 'evalError' || matcher.case === 'anyEvalErrors'
                ? 'error'
                : undefined
        if (want === undefined) continue
        run++
        let got: Plain | undefined | 'error'
        try {
          const outcome = compileCel(t.expr, { file: 'conformance' }).evaluate({})
          got = outcome.ok ? actual(outcome.value) : 'error'
        } catch {
          got = 'error'
        }
        if (JSON.stringify(got) === JSON.stringify(want)) passed++
        else failed.push(`${suite.name}/${test.name}: ${t.expr}`)
      }
    if (passed < MIN_PASSED)
      console.log(
        `cel-spec conformance: ${passed} of ${run} supported tests pass; failing:\n${failed.join('\n')}`
      )
    expect(passed).toBeGreaterThanOrEqual(MIN_PASSED)
  })
})

// 955 of 1015 (the rest: two-variable comprehensions, optMap/optFlatMap, optional members and literals).
const MIN_PASSED = 955
