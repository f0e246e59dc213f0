/**
 * Documents and images of a prompt: `{{document …}}` and `{{image …}}` in a template turn a
 * dataset field (a file path, text, or base64 data) into the API's content blocks. Files are
 * resolved from the dataset's folder and must stay inside the project; their media type comes
 * from the extension and must match the bytes; sizes are checked against the API's limits before
 * anything is sent. Each source carries its sha256 and size, so keys, recordings and prompt
 * stores name the content without holding it. Files read for one run are kept in a small cache
 * (the same policy PDF in every case is read once).
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { sha256Hex } from '../canonical.js';
import { InputError } from '../errors.js';
import type { BinarySource, DocumentBlock, ImageBlock, PlainTextSource } from '../providers/types.js';
import { utf8Text } from '../utf8.js';

/** The Messages API's limits, checked before sending; the fake API (testing/) enforces the same ones. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** A whole request, base64 data and PDFs included. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const MAX_IMAGES_PER_REQUEST = 100;

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };
const TEXT_DOCUMENTS = new Set(['.txt', '.text', '.md', '.markdown', '.csv', '.tsv', '.log', '.json', '.xml', '.html', '.htm', '.yaml', '.yml']);
const CACHE_BYTES = 64 * 1024 * 1024;

/** Where document and image files are found: the dataset's folder, inside the project root. */
export interface AttachmentFiles {
  /** Relative paths are resolved from here (the dataset's folder). */
  baseDir: string;
  /** Files outside it are refused. */
  root: string;
}

interface ReadFile {
  bytes: Buffer;
  sha256: string;
}

/** Reads attachment files for a run, checked and cached by absolute path (bounded by total size). */
export class AttachmentReader {
  private readonly cache = new Map<string, ReadFile>();
  private cachedBytes = 0;
  private readonly realRoot: string;

  constructor(readonly files: AttachmentFiles) {
    this.realRoot = realpathOrSelf(resolve(files.root));
  }

  /** The absolute path of a dataset-relative file, refusing paths that leave the project. */
  locate(path: string, where: { caseId: string; file: string }): string {
    const absolute = isAbsolute(path) ? path : resolve(this.files.baseDir, path);
    const outside = (root: string, candidate: string) => {
      const inside = relative(root, candidate);
      return inside.startsWith('..') || isAbsolute(inside);
    };
    const refuse = () =>
      new InputError(`file "${path}" for case ${where.caseId} is outside the project (${this.realRoot})`, { file: where.file }, 'keep documents and images inside the project, next to the dataset');
    if (outside(resolve(this.files.root), absolute)) throw refuse();
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch {
      throw new InputError(
        `file "${path}" for case ${where.caseId} not found (looked for ${absolute})`,
        { file: where.file },
        'document and image paths are resolved from the dataset file\'s folder',
      );
    }
    if (outside(this.realRoot, real)) throw refuse(); // a link inside the project that leads out of it
    return real;
  }

  read(path: string, where: { caseId: string; file: string }): ReadFile & { path: string } {
    const real = this.locate(path, where);
    const known = this.cache.get(real);
    if (known) return { ...known, path: real };
    const size = statSync(real).size;
    if (size > MAX_REQUEST_BYTES) throw tooLarge(`file "${path}"`, size, MAX_REQUEST_BYTES, where, 'the API accepts requests of at most 32 MB');
    const bytes = readFileSync(real);
    const entry = { bytes, sha256: sha256Hex(bytes) };
    if (bytes.length <= CACHE_BYTES) {
      while (this.cachedBytes + bytes.length > CACHE_BYTES && this.cache.size > 0) {
        const [oldest, value] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        this.cachedBytes -= value.bytes.length;
      }
      this.cache.set(real, entry);
      this.cachedBytes += bytes.length;
    }
    return { ...entry, path: real };
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function tooLarge(what: string, bytes: number, limit: number, where: { caseId: string; file: string }, why: string): InputError {
  return new InputError(`${what} for case ${where.caseId} is ${megabytes(bytes)}, over the ${megabytes(limit)} limit (${why})`, { file: where.file }, 'use a smaller file, or split it');
}

/** The media type bytes actually are, from their signature. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}

/** What `{{document}}` / `{{image}}` were given: a path, text, or base64 data, with options. */
export interface AttachmentSpec {
  file?: string;
  text?: string;
  data?: string;
  mediaType?: string;
  title?: string;
  context?: string;
  citations?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(data: string, what: string, where: { caseId: string; file: string }): Buffer {
  const compact = data.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new InputError(`${what} for case ${where.caseId} is not valid base64`, { file: where.file }, 'give base64 data (no data: URL prefix), or a file path');
  }
  return Buffer.from(compact, 'base64');
}

function binarySource(bytes: Buffer, mediaType: string, sha256?: string): BinarySource {
  return { type: 'base64', mediaType, data: bytes.toString('base64'), sha256: sha256 ?? sha256Hex(bytes), bytes: bytes.length };
}

/** `identity`: the hash and size of the file the text was read from (already known to the reader). */
function textSource(text: string, identity?: { sha256: string; bytes: number }): PlainTextSource {
  if (identity) return { type: 'text', mediaType: 'text/plain', data: text, sha256: identity.sha256, bytes: identity.bytes };
  const bytes = Buffer.from(text, 'utf8');
  return { type: 'text', mediaType: 'text/plain', data: text, sha256: sha256Hex(bytes), bytes: bytes.length };
}

export function documentBlock(spec: AttachmentSpec, reader: AttachmentReader | undefined, where: { caseId: string; file: string }): DocumentBlock {
  let source: BinarySource | PlainTextSource;
  if (spec.text !== undefined) {
    source = textSource(spec.text);
  } else if (spec.data !== undefined) {
    const mediaType = spec.mediaType ?? 'application/pdf';
    if (mediaType === 'text/plain') source = textSource(decodeBase64(spec.data, 'document data', where).toString('utf8'));
    else if (mediaType === 'application/pdf') source = pdfSource(decodeBase64(spec.data, 'document data', where), 'document data', where);
    else throw unsupportedDocument(mediaType, where);
  } else if (spec.file !== undefined) {
    if (!reader) throw noFolder(spec.file, where);
    const extension = extname(spec.file).toLowerCase();
    const read = reader.read(spec.file, where);
    if (extension === '.pdf') source = pdfSource(read.bytes, `document "${spec.file}"`, where, read.sha256);
    else if (TEXT_DOCUMENTS.has(extension)) source = textSource(utf8Text(read.bytes, spec.file), { sha256: read.sha256, bytes: read.bytes.length });
    else if (IMAGE_TYPES[extension]) throw new InputError(`"${spec.file}" for case ${where.caseId} is an image`, { file: where.file }, 'use {{image …}} for images');
    else throw unsupportedDocument(extension || '(no extension)', where);
  } else {
    throw new InputError(`{{document}} for case ${where.caseId} was given nothing to send`, { file: where.file }, 'pass a file path, or file=, text= or data= (base64 PDF)');
  }
  const block: DocumentBlock = { type: 'document', source };
  if (spec.title !== undefined) block.title = spec.title;
  if (spec.context !== undefined) block.context = spec.context;
  if (spec.citations !== undefined) block.citations = spec.citations;
  return block;
}

function pdfSource(bytes: Buffer, what: string, where: { caseId: string; file: string }, sha256?: string): BinarySource {
  if (sniffMediaType(bytes) !== 'application/pdf') throw new InputError(`${what} for case ${where.caseId} is not a PDF (it does not start with %PDF-)`, { file: where.file });
  return binarySource(bytes, 'application/pdf', sha256);
}

export function imageBlock(spec: AttachmentSpec, reader: AttachmentReader | undefined, where: { caseId: string; file: string }): ImageBlock {
  let bytes: Buffer;
  let declared: string | undefined;
  let sha256: string | undefined;
  let what: string;
  if (spec.data !== undefined) {
    bytes = decodeBase64(spec.data, 'image data', where);
    declared = spec.mediaType;
    what = 'image data';
  } else if (spec.file !== undefined) {
    if (!reader) throw noFolder(spec.file, where);
    declared = IMAGE_TYPES[extname(spec.file).toLowerCase()];
    if (!declared) {
      throw new InputError(`image "${spec.file}" for case ${where.caseId}: use a .png, .jpg, .gif or .webp file`, { file: where.file }, 'the API accepts JPEG, PNG, GIF and WebP images');
    }
    const read = reader.read(spec.file, where);
    bytes = read.bytes;
    sha256 = read.sha256;
    what = `image "${spec.file}"`;
  } else {
    throw new InputError(`{{image}} for case ${where.caseId} was given nothing to send`, { file: where.file }, 'pass a file path, or file= or data= (base64) with media_type=');
  }
  const actual = sniffMediaType(bytes);
  if (!actual?.startsWith('image/')) throw new InputError(`${what} for case ${where.caseId} is not a JPEG, PNG, GIF or WebP image`, { file: where.file });
  if (declared !== undefined && declared !== actual) {
    throw new InputError(`${what} for case ${where.caseId} is declared ${declared} but its bytes are ${actual}`, { file: where.file }, 'fix the file extension or media_type');
  }
  if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge(what, bytes.length, MAX_IMAGE_BYTES, where, 'the API accepts images of at most 5 MB');
  return { type: 'image', source: binarySource(bytes, actual, sha256) };
}

function unsupportedDocument(type: string, where: { caseId: string; file: string }): InputError {
  return new InputError(`documents of type ${type} are not supported (case ${where.caseId})`, { file: where.file }, 'send a PDF or a plain-text file (.txt, .md, .csv …), or the text itself with text=');
}

function noFolder(path: string, where: { caseId: string; file: string }): InputError {
  return new InputError(`file "${path}" for case ${where.caseId}: this prompt was compiled without a dataset folder to find files in`, { file: where.file }, 'run it through a suite (the dataset\'s folder is where files are found)');
}

/** The size of a request's attachments as sent (base64 or text) and its image count: checked against the API's limits. */
export function checkRequestSize(blocks: ReadonlyArray<DocumentBlock | ImageBlock>, textChars: number, where: { caseId: string; file: string }): void {
  let bytes = textChars;
  let images = 0;
  for (const block of blocks) {
    bytes += block.source.data.length;
    if (block.type === 'image') images++;
  }
  if (bytes > MAX_REQUEST_BYTES) throw tooLarge('the request', bytes, MAX_REQUEST_BYTES, where, 'the API accepts requests of at most 32 MB, base64 data included');
  if (images > MAX_IMAGES_PER_REQUEST) {
    throw new InputError(`${images} images in one request for case ${where.caseId}; the API accepts at most ${MAX_IMAGES_PER_REQUEST}`, { file: where.file });
  }
}
