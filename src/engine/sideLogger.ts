import type { Logger } from '../logger.js'

export interface SideLogs {
  /** Loading a side: a line the other side already said (the same config) is not said again. */
  load: Logger
  /** Rendering a side: every line, labelled. */
  render: Logger
}

/** The logs of a diff's two sides, each line labelled `base:` or `head:`. */
export function sideLoggers(logger: Logger): { base: SideLogs; head: SideLogs } {
  const said = new Set<string>()
  const side = (label: 'base' | 'head', once: boolean): Logger => {
    const labelled = (write: (message: string) => void) => (message: string) => {
      if (once && said.has(message)) return
      said.add(message)
      write(`${label}: ${message}`)
    }
    return {
      debug: message => logger.debug(`${label}: ${message}`),
      info: labelled(message => logger.info(message)),
      warning: labelled(message => logger.warning(message)),
      error: message => logger.error(`${label}: ${message}`),
      group: (name, fn) => logger.group(name, fn)
    }
  }
  return {
    base: { load: side('base', true), render: side('base', false) },
    head: { load: side('head', true), render: side('head', false) }
  }
}
