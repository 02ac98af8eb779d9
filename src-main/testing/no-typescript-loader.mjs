// Preloaded (--import) into every thread of a `slope` process by built-cli.test.ts: any module
// resolved from the tsx package fails the process, so the test sees whether the command or its
// workers still compile TypeScript at start.
import { register } from 'node:module'

const hooks = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (/[\\\\/]node_modules[\\\\/]tsx[\\\\/]/.test(resolved.url)) throw new Error('a TypeScript loader was imported: ' + specifier)
  return resolved
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
