#!/usr/bin/env node
// After ncc: make the CLI bundle executable with a node shebang (package.json bin).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dist =
  process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const cli = path.join(dist, 'cli', 'index.js')
let text = fs.readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) text = `#!/usr/bin/env node\n${text}`
fs.writeFileSync(cli, text)
fs.chmodSync(cli, 0o755)
