/**
 * The user's files (suites, configs) whose import has not settled yet, as shown to the user. A
 * top-level await that never settles leaves Node nothing to do: it exits with code 13 and says
 * nothing. The CLI reads this on exit to name the file instead. Kept free of imports so the CLI
 * can load it before anything else.
 */
export const pendingImports = new Set<string>();
