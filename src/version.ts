import { readFileSync } from 'node:fs';
import { packagePath } from './packageRoot.js';

/** The package version, from the package's own package.json. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
