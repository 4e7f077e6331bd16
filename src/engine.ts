// The engine both fronts (the action and the CLI) drive: render, hydrate, diff.
export * from './engine/render.js'
export * from './engine/hydrate.js'
export * from './engine/diff.js'
export * from './engine/verdict.js'
export * from './engine/shard.js'
export * from './engine/toolCheck.js'
