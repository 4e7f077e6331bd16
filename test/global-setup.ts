import fs from 'node:fs'
import path from 'node:path'

// `npm test` installs the toolchain first (scripts/install-tools.mjs); fail early and clearly
// when someone runs jest directly without it.
export default function globalSetup(): void {
  const bin = path.resolve('.tools', 'bin')
  for (const tool of ['helm', 'kubectl']) {
    if (!fs.existsSync(path.join(bin, tool))) {
      throw new Error(
        `${tool} is missing from .tools/bin: run \`npm test\` (or \`npm run tools\`) to install the toolchain`
      )
    }
  }
}
