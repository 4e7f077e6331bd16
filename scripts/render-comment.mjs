#!/usr/bin/env node
// Renders a comment's markdown as GitHub shows it, to a PNG: markdown-it with raw HTML (as
// GitHub allows it in comments), GitHub's stylesheet (github-markdown-css), GitHub's alert
// blocks (> [!CAUTION]) emulated minimally, and headless Chromium for the screenshot.
//
//   node scripts/render-comment.mjs comment.md comment.png [--width 900] [--open]
//
// --open opens every <details> (to look at the diffs too). Dev-only: nothing here ships.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import MarkdownIt from 'markdown-it'

const require = createRequire(import.meta.url)
const args = process.argv.slice(2)
const flag = name => {
  const index = args.indexOf(name)
  if (index === -1) return undefined
  const [, value] = args.splice(index, 2)
  return value
}
const open = args.includes('--open')
if (open) args.splice(args.indexOf('--open'), 1)
const width = Number(flag('--width') ?? 900)
const [input, output] = args
if (!input || !output) {
  process.stderr.write('usage: render-comment.mjs INPUT.md OUTPUT.png [--width N] [--open]\n')
  process.exit(2)
}

const md = new MarkdownIt({ html: true, linkify: true })

/** GitHub's alerts: a blockquote whose first line is [!NOTE], [!WARNING], [!CAUTION], … */
const ALERTS = {
  NOTE: { color: '#0969da', icon: 'ℹ️', title: 'Note' },
  TIP: { color: '#1a7f37', icon: '💡', title: 'Tip' },
  IMPORTANT: { color: '#8250df', icon: '❕', title: 'Important' },
  WARNING: { color: '#9a6700', icon: '⚠', title: 'Warning' },
  CAUTION: { color: '#d1242f', icon: '⊘', title: 'Caution' }
}
function alerts(html) {
  return html.replace(
    /<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/g,
    (_, kind) =>
      `<blockquote class="alert alert-${kind.toLowerCase()}"><p class="alert-title">${ALERTS[kind].icon} ${ALERTS[kind].title}</p><p>`
  )
}

const markdown = fs.readFileSync(input, 'utf8')
let body = alerts(md.render(markdown))
if (open) body = body.replace(/<details>/g, '<details open>')
const css = fs.readFileSync(
  require.resolve('github-markdown-css/github-markdown-light.css'),
  'utf8'
)
const alertCss = Object.entries(ALERTS)
  .map(
    ([kind, { color }]) =>
      `.markdown-body .alert-${kind.toLowerCase()} { border-left-color: ${color}; color: inherit; }
       .markdown-body .alert-${kind.toLowerCase()} .alert-title { color: ${color}; }`
  )
  .join('\n')
const page = `<!doctype html><html><head><meta charset="utf-8"><style>
${css}
body { margin: 0; background: #fff; }
.frame { box-sizing: border-box; width: ${width}px; padding: 16px 24px; }
.comment { border: 1px solid #d0d7de; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { padding: 16px; font-size: 14px; }
.markdown-body .alert { padding: 8px 16px; border-left: .25em solid; margin-bottom: 16px; }
.markdown-body .alert-title { font-weight: 600; margin-bottom: 4px; }
${alertCss}
</style></head><body><div class="frame"><div class="comment">
<div class="comment-header"><b>github-actions</b> bot commented</div>
<div class="markdown-body">${body}</div></div></div></body></html>`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-comment-'))
const html = path.join(dir, 'comment.html')
fs.writeFileSync(html, page)
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
const common = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars']
// Chromium screenshots the window, not the page: measure the page first (a script writes its
// height into the DOM that --dump-dom prints), then shoot a window of that height.
fs.writeFileSync(
  html,
  page.replace(
    '</body>',
    '<script>document.body.setAttribute("data-height", document.documentElement.scrollHeight)</script></body>'
  )
)
const dom = execFileSync(
  chromium,
  [...common, `--window-size=${width},600`, '--dump-dom', `file://${html}`],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }
)
const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 2000)
fs.writeFileSync(html, page)
execFileSync(
  chromium,
  [
    ...common,
    `--window-size=${width},${height}`,
    `--screenshot=${path.resolve(output)}`,
    `file://${html}`
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] }
)
process.stdout.write(`${output}\n`)
