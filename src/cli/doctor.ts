import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspectTools, type ToolCheck } from '../engine.js'

export interface DoctorReport {
  tools: ToolCheck[]
  /** The directory `npm run tools` fills, when it exists and PATH does not lead there. */
  installed?: string
  ok: boolean
}

/**
 * The tools `npm run tools` installed next to this build (`.tools/bin` at the package root:
 * two levels above both src/cli and dist/cli), or in the repository itself.
 */
export function installedToolsDir(repoRoot: string): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return [
    path.resolve(here, '..', '..', '.tools', 'bin'),
    path.join(repoRoot, '.tools', 'bin')
  ].find(dir => fs.existsSync(path.join(dir, 'helm')))
}

/** Is `file` one of the tools under `binDir`'s parent (bin/ holds links into it)? */
function isUnder(file: string, binDir: string): boolean {
  const root = fs.realpathSync(path.dirname(binDir)) + path.sep
  return fs.realpathSync(file).startsWith(root)
}

/** What a render in `repoRoot` would run, and what is wrong with it. Runs `version` only. */
export async function checkTools(repoRoot: string, env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const tools = await inspectTools(env)
  const dir = installedToolsDir(repoRoot)
  const usesInstalled = dir && tools.every(t => t.tool && isUnder(t.tool.path, dir))
  return {
    tools,
    installed: usesInstalled ? undefined : dir,
    ok: tools.every(t => t.problems.length === 0)
  }
}

/** The report as `hydrate doctor` prints it. */
export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = []
  for (const check of report.tools) {
    const tool = check.tool
    const kind = tool && 'kind' in tool && tool.kind === 'kubectl' ? ' (kubectl kustomize)' : ''
    lines.push(
      tool
        ? `${check.name.padEnd(10)} ${tool.version.padEnd(8)} ${tool.path}${kind}  from ${check.source}`
        : `${check.name.padEnd(10)} missing`
    )
    for (const problem of check.problems) lines.push(`  problem: ${problem}`)
  }
  if (report.installed)
    lines.push(
      `note: \`npm run tools\` installed helm and kubectl in ${report.installed}; to use them: export PATH="${report.installed}:$PATH"`
    )
  lines.push(report.ok ? 'ok: a render here can run' : 'not ok: fix the problems above')
  return `${lines.join('\n')}\n`
}

/** `hydrate doctor`: exit 1 when a tool is missing or unusable. */
export async function doctorCommand(
  args: { repoRoot: string },
  context: { engine: { env?: NodeJS.ProcessEnv }; stdout: NodeJS.WritableStream }
): Promise<number> {
  const report = await checkTools(args.repoRoot, context.engine.env ?? process.env)
  context.stdout.write(formatDoctor(report))
  return report.ok ? 0 : 1
}
