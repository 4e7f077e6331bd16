import { HydrateError } from '../errors.js'

/** A template that does not parse: Go's text of the error (`template: name:line: …`). */
export class TemplateParseError extends HydrateError {}

/** A template that fails while it runs: Go's text (`template: name:line:col: executing …`). */
export class TemplateExecError extends HydrateError {
  /** The node Go names (`.a.b` in `at <.a.b>`), and Go's message after it. */
  readonly context: string
  readonly detail: string
  constructor(message: string, where: { context: string; detail: string }) {
    super(message)
    this.context = where.context
    this.detail = where.detail
  }
}

/**
 * A template that does something hydrate will not do: a function that is not deterministic or
 * not supported, or more work than the bounds allow. Not Go's behaviour: our own refusal.
 */
export class TemplateRefusedError extends HydrateError {}
