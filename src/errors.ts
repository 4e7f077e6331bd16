import { counted } from './plural.js'

/** Where in a file something went wrong (1-based line and column). */
export interface SourceLocation {
  file: string
  line?: number
  column?: number
}

export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file
  return `${location.file}:${location.line}:${location.column ?? 1}`
}

/** Base class: every error the engine raises on purpose. `exitCode` follows the CLI contract (docs/cli.md). */
export class HydrateError extends Error {
  readonly exitCode: number = 1
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The user asked for something impossible (bad flags). Exit code 2. */
export class UsageError extends HydrateError {
  override readonly exitCode = 2
}

/** hydrate.yaml (or the repo layout it describes) is wrong. Exit code 2. */
export class ConfigError extends HydrateError {
  override readonly exitCode = 2
  constructor(
    readonly location: SourceLocation,
    readonly detail: string
  ) {
    super(`${formatLocation(location)}: ${detail}`)
  }
}

/** A tool needed for rendering is not installed. */
export class ToolNotFoundError extends HydrateError {
  constructor(
    readonly tool: string,
    readonly hint: string
  ) {
    super(`${tool} was not found on PATH. ${hint}`)
  }
}

/** A target failed to render; carries the target name and the tool's stderr. */
export class RenderError extends HydrateError {
  constructor(
    readonly target: string,
    message: string,
    readonly stderr = ''
  ) {
    super(`target ${target}: ${message}${stderr ? `\n${indent(stderr.trimEnd())}` : ''}`)
  }
}

/** Rendered output that is not a valid set of Kubernetes objects. */
export class ManifestError extends HydrateError {
  constructor(
    readonly target: string,
    readonly detail: string
  ) {
    super(`target ${target}: ${detail}`)
  }
}

/** Several targets failed; reported together so one run shows every problem. */
export class AggregateRenderError extends HydrateError {
  constructor(readonly errors: HydrateError[]) {
    super(
      `${counted(errors.length, 'target')} failed to render:\n` +
        errors.map(e => `- ${e.message}`).join('\n')
    )
  }
}

export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  // An error made in another realm (a vm context, a worker) is no `instanceof Error` here.
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string') return message
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof HydrateError ? error.exitCode : 1
}

function indent(text: string): string {
  return text
    .split('\n')
    .map(line => `    ${line}`)
    .join('\n')
}
