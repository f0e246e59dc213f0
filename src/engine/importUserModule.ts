import { pathToFileURL } from 'node:url';
import { importTypeScript } from './importTypeScript.js';
import { pendingImports } from './pendingImports.js';

/**
 * Imports a suite or config file: TypeScript bundled at run time (see importTypeScript), JavaScript
 * as it is. `shown`: the path the user reads, named if the import never settles (see pendingImports).
 */
export async function importUserModule(absolute: string, shown: string): Promise<Record<string, unknown>> {
  pendingImports.add(shown);
  try {
    if (/\.[cm]?ts$/.test(absolute)) return await importTypeScript(absolute);
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } finally {
    pendingImports.delete(shown);
  }
}
