import { describe, expect, it } from '@jest/globals'
import {
  evaluate,
  stepRuns,
  substitute,
  type ExpressionContext
} from '../helpers/workflowExpressions.js'
import { stepOutputs } from '../helpers/workflowRunner.js'

// The step runner's expressions: what the documented workflows use, and nothing else.
const context = (failed: boolean): ExpressionContext => ({
  steps: {
    diff: { outcome: 'failure', conclusion: 'failure', outputs: { 'report-json': '/r.json' } }
  },
  github: { event: { number: 7, workflow_run: { id: 101 } }, event_name: 'pull_request' },
  failed
})

describe('the step runner evaluates', () => {
  it('if: with the status functions as the runner does (no status function: success() && …)', () => {
    const cases: Array<[string | undefined, boolean, boolean]> = [
      // [if:, after a success, after a failure]
      [undefined, true, false],
      ['always()', true, true],
      ['${{ always() }}', true, true],
      ['success()', true, false],
      ['failure()', false, true],
      ['!cancelled()', true, true],
      ["steps.diff.outcome == 'failure'", true, false],
      ["failure() && steps.diff.outcome == 'failure'", false, true],
      ["steps.diff.outcome != 'failure' || always()", true, true],
      ['(success() || failure()) && !cancelled()', true, true]
    ]
    for (const [condition, ok, failed] of cases) {
      expect([condition, stepRuns(condition, context(false))]).toEqual([condition, ok])
      expect([condition, stepRuns(condition, context(true))]).toEqual([condition, failed])
    }
  })

  it('${{ }} in env values and with: from the steps and github contexts', () => {
    expect(substitute('${{ steps.diff.outputs.report-json }}', context(true))).toBe('/r.json')
    expect(substitute("'${{ github.event.workflow_run.id }}'", context(false))).toBe("'101'")
    expect(substitute('${{ github.event.number }}', context(false))).toBe('7')
    expect(substitute('${{ steps.missing.outputs.x }}', context(false))).toBe('')
    expect(evaluate("'it''s'", context(false))).toBe("it's")
  })

  it('refuses what it does not know instead of guessing', () => {
    for (const expression of [
      'contains(github.event_name, 1)',
      'hashFiles()',
      'env.TOKEN',
      'secrets.GITHUB_TOKEN',
      'github.event.number > 3',
      'steps.diff.outputs',
      'steps.diff.result'
    ])
      expect(() => evaluate(expression, context(false))).toThrow(/unsupported/)
  })

  it('reads GITHUB_OUTPUT in both forms', () => {
    expect(stepOutputs('number=7\nbody<<EOF\na\nb=c\nEOF\n')).toEqual({
      number: '7',
      body: 'a\nb=c'
    })
  })
})
