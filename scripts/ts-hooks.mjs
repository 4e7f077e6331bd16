// Module hooks that let a bench script import the TypeScript sources directly (Node 20 has no
// type stripping): `./x.js` from a .ts file resolves to `./x.ts`, and .ts is transpiled.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && /^\.{1,2}\/.*\.js$/.test(specifier)) {
    const typescript = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL)
    if (fs.existsSync(fileURLToPath(typescript)))
      return { url: typescript.href, format: 'module', shortCircuit: true }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context)
  const source = fs.readFileSync(fileURLToPath(url), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
  })
  return { format: 'module', source: outputText, shortCircuit: true }
}
