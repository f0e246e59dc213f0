/**
 * A suite's bundle kept between processes, in `.promptgold/bundles/`: one bundle and one manifest
 * per bundled file. The manifest names what made the bundle (promptgold's and esbuild's versions,
 * the file's path) and the sha256 of every file that went into it, with every tsconfig.json,
 * jsconfig.json and package.json in their folders and above (esbuild reads those to resolve and
 * compile; a missing one is recorded as missing, so adding one counts as a change). The bundle is
 * used again only while all of that is unchanged.
 *
 * A bundle that holds a secret promptgold knows (the API key written into a suite) is removed once
 * imported, like the temporary bundles before: no key is left in a file.
 *
 * Not kept, so bundled afresh every time: a bundle with a glob import (`import(\`./${name}.ts\`)`
 * takes in every matching file, and a file added later would not be in the manifest), and one
 * read under a tsconfig that `extends` another (which may live anywhere, even in node_modules).
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { sha256Hex as sha256 } from '../canonical.js';
import { isProcessAlive } from '../processAlive.js';
import { replaceFile } from '../replaceFile.js';
import { redactKnownSecrets } from '../secrets.js';
import { TOOL_VERSION } from '../version.js';

export interface BuiltBundle {
  code: string;
  /** Absolute paths of the files bundled, or undefined when they cannot all be named. */
  inputs: string[] | undefined;
}

interface Manifest {
  maker: string;
  bundle: string;
  files: Record<string, string | null>;
}

/** Files that change how esbuild resolves and compiles the files in a folder below them. */
const SETTINGS_FILES = ['tsconfig.json', 'jsconfig.json', 'package.json'];
/** Bump when the bundling options change, so bundles made with the old ones are not used. */
const FORMAT = 1;

let esbuildVersion: string | undefined;

function makerOf(file: string): string {
  esbuildVersion ??= (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
  return `kept bundle ${FORMAT}, promptgold ${TOOL_VERSION}, esbuild ${esbuildVersion}: ${file}`;
}

/** The stem the bundle and manifest of one file share: its name, for people, and its path's hash. */
function stemOf(file: string): string {
  return `${basename(file)}.${sha256(file).slice(0, 16)}`;
}

/**
 * The absolute paths of the files esbuild bundled (its metafile's inputs, relative to the working
 * folder), or undefined when the bundle has a glob import, whose set of files can grow.
 */
export function bundleInputs(code: string, workingDir: string, metafileInputs: readonly string[]): string[] | undefined {
  if (code.includes('__glob(')) return undefined;
  return metafileInputs.map((input) => resolve(workingDir, input));
}

/** The path of the kept bundle of `file`, when there is one and nothing it was made from changed. */
export async function keptBundle(folder: string, file: string): Promise<string | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(folder, `${stemOf(file)}.json`), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.maker !== makerOf(file) || typeof manifest.files !== 'object' || manifest.files === null) return undefined;
  const files = Object.entries(manifest.files);
  const now = await Promise.all(files.map(([path]) => contentHash(path)));
  if (files.some(([, hash], index) => now[index] !== hash)) return undefined;
  return join(folder, basename(manifest.bundle));
}

/**
 * Writes the bundle into the folder and returns its path; writes its manifest when the bundle can
 * be kept, and removes the file's other bundles. Both files are written whole, then renamed into
 * place, so a process reading them never sees half a file.
 */
export async function keepBundle(folder: string, file: string, built: BuiltBundle): Promise<string> {
  await mkdir(folder, { recursive: true });
  const stem = stemOf(file);
  const name = `${stem}.${sha256(built.code).slice(0, 16)}.mjs`;
  const bundle = join(folder, name);
  await writeWhole(bundle, built.code);
  const files = built.inputs && (await inputHashes(built.inputs));
  const manifestFile = join(folder, `${stem}.json`);
  if (files) await writeWhole(manifestFile, `${JSON.stringify({ maker: makerOf(file), bundle: name, files } satisfies Manifest, null, 2)}\n`);
  else await rm(manifestFile, { force: true });
  const others = (await readdir(folder)).filter((entry) => entry.startsWith(`${stem}.`) && entry !== name && isLeftOver(entry));
  await Promise.all(others.map((entry) => rm(join(folder, entry), { force: true })));
  return bundle;
}

/** Removes the bundle of `file`, and its manifest, when the bundle's code holds a known secret. */
export async function forgetIfSecret(folder: string, file: string, bundle: string): Promise<void> {
  const code = await readFile(bundle, 'utf8').catch(() => '');
  if (redactKnownSecrets(code) === code) return;
  await rm(join(folder, `${stemOf(file)}.json`), { force: true });
  await rm(bundle, { force: true });
}

/**
 * The hash of every input and of every settings file in their folders and above; undefined when a
 * tsconfig or jsconfig extends another.
 */
async function inputHashes(inputs: readonly string[]): Promise<Record<string, string | null> | undefined> {
  const files: Record<string, string | null> = {};
  const folders = new Set<string>();
  for (const input of inputs) {
    const hash = await contentHash(input);
    if (hash === null) return undefined;
    files[input] = hash;
    for (let dir = dirname(input); !folders.has(dir); dir = dirname(dir)) {
      folders.add(dir);
      if (dirname(dir) === dir) break;
    }
  }
  for (const dir of [...folders].sort()) {
    for (const name of SETTINGS_FILES) {
      const path = join(dir, name);
      const content = await readFile(path).catch(() => null);
      if (content !== null && name !== 'package.json' && content.includes('"extends"')) return undefined;
      files[path] = content === null ? null : sha256(content);
    }
  }
  return files;
}

/** An older bundle of the file, or a partial write of a process that is gone. */
function isLeftOver(entry: string): boolean {
  if (entry.endsWith('.mjs')) return true;
  const writer = /\.(\d+)\.partial$/.exec(entry)?.[1];
  return writer !== undefined && !isProcessAlive(Number(writer));
}

async function contentHash(path: string): Promise<string | null> {
  const content = await readFile(path).catch(() => null);
  return content === null ? null : sha256(content);
}

/** The writer's pid is in the temporary name: a file left by a writer that is gone is swept (see above). */
function writeWhole(path: string, text: string): Promise<void> {
  return replaceFile(path, (partial) => writeFile(partial, text), `${path}.${process.pid}.partial`);
}
