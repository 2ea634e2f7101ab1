/**
 * Brings a model's bytes into its folder: a download over http(s), or a copy of a local file or
 * folder, hashing (BLAKE3) as the bytes stream and reporting progress. Downloads follow a few
 * redirects by hand: every hop's host is resolved and checked by the URL guard (unless private
 * URLs are allowed) and the connection goes to the addresses that were checked. They stop at the
 * size limit or when the signal aborts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { cp, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PinkseaError } from '../../engine/errors';
import { formatBytes } from '../../engine/format-bytes';
import { createModelHash, hashFolder, hashText } from './model-hash';
import { folderSize } from './onnx-probe';
import { guardUrl, pinnedLookup, type GuardedUrl, type Lookup } from '../../nodes/sdk/url-guard';

export class DownloadError extends PinkseaError {
  override readonly name = 'DownloadError';
  constructor(message: string, kind: 'user' | 'transient' = 'transient') {
    super('download_failed', message, kind);
  }
}

export interface FetchedModel {
  /** The file or folder inside the target folder. */
  readonly location: string;
  readonly sizeBytes: number;
  readonly hash: string;
}

export type ProgressCallback = (bytes: number, totalBytes: number | null) => void;

export interface DownloadOptions {
  readonly allowPrivate: boolean;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  readonly onProgress: ProgressCallback;
  readonly lookup?: Lookup;
  /** Exact addresses allowed although private (a model mirror inside the network). */
  readonly allowedAddresses?: readonly string[];
}

const MAX_REDIRECTS = 5;

export async function downloadModel(source: string, folder: string, options: DownloadOptions): Promise<FetchedModel> {
  const policy = { allowPrivate: options.allowPrivate, lookup: options.lookup, allowedAddresses: options.allowedAddresses, field: 'source' };
  let hop = await guardUrl(source, policy);
  for (let redirects = 0; ; redirects++) {
    const url = hop.url;
    const response = await get(hop, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new DownloadError(`${source} redirected more than ${MAX_REDIRECTS} times`);
      hop = await guardUrl(new URL(response.headers.location, url).toString(), policy);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new DownloadError(`${url.host} answered ${status} ${response.statusMessage ?? ''}`.trim() + ` for ${url.pathname}`, status >= 400 && status < 500 ? 'user' : 'transient');
    }
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) && length > 0 ? length : null;
    if (total !== null && total > options.maxBytes) {
      response.destroy();
      throw new DownloadError(`The model is ${formatBytes(total)}, more than the ${formatBytes(options.maxBytes)} an install may download`, 'user');
    }
    const file = path.join(folder, fileNameOf(url));
    return writeHashed(response, file, total, options);
  }
}

/** Copies a local file or folder into `folder`. */
export async function copyLocalModel(source: string, folder: string, options: Pick<DownloadOptions, 'signal' | 'onProgress'>): Promise<FetchedModel> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new DownloadError(`There is no file or folder at "${source}"`, 'user');
  const target = path.join(folder, path.basename(source));
  if (info.isDirectory()) {
    await cp(source, target, { recursive: true });
    options.signal.throwIfAborted();
    const size = await folderSize(target);
    options.onProgress(size, size);
    return { location: target, sizeBytes: size, hash: await hashFolder(target) };
  }
  return writeHashed(createReadStream(source), target, info.size, { ...options, maxBytes: Number.MAX_SAFE_INTEGER });
}

async function writeHashed(input: NodeJS.ReadableStream, file: string, total: number | null, options: Pick<DownloadOptions, 'signal' | 'onProgress' | 'maxBytes'>): Promise<FetchedModel> {
  const hash = createModelHash();
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) return done(new DownloadError(`The model is larger than the ${formatBytes(options.maxBytes)} an install may download`, 'user'));
      hash.update(chunk);
      options.onProgress(bytes, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(input, meter, createWriteStream(file), { signal: options.signal });
  } catch (error) {
    if (options.signal.aborted || error instanceof PinkseaError) throw error;
    throw new DownloadError(`The download broke off after ${formatBytes(bytes)}: ${messageOf(error)}`);
  }
  if (total !== null && bytes !== total) throw new DownloadError(`Only ${formatBytes(bytes)} of ${formatBytes(total)} arrived`);
  if (bytes === 0) throw new DownloadError('Nothing arrived: the model file is empty', 'user');
  return { location: file, sizeBytes: bytes, hash: hashText(hash) };
}

/** One request, to the hop's checked addresses; redirects are the caller's. */
function get({ url, addresses }: GuardedUrl, options: DownloadOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const pinned = addresses ? { lookup: pinnedLookup(addresses) } : {};
    const request = client.get(url, { signal: options.signal, ...pinned, timeout: 30_000 }, resolve);
    request.on('timeout', () => request.destroy(new DownloadError(`${url.host} did not answer within 30 s`)));
    request.on('error', (error) => {
      if (options.signal.aborted || error instanceof PinkseaError) reject(error);
      else reject(new DownloadError(`Could not reach ${url.host}: ${messageOf(error)}`));
    });
  });
}

/** A safe file name from the URL's last path segment; `model.onnx` when it has none. */
function fileNameOf(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return last.length > 0 && last.length <= 200 ? last : 'model.onnx';
}

function messageOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
