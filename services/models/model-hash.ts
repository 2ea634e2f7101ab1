/**
 * BLAKE3 hashes of model files, computed while the bytes stream (InvokeAI identifies models by
 * BLAKE3 too). A folder's hash is the hash of its files' relative paths and hashes, in path order,
 * so the same files give the same hash wherever the folder lies.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export type StreamingHash = ReturnType<typeof blake3.create>;

export const createModelHash = (): StreamingHash => blake3.create();

export const hashText = (hash: StreamingHash): string => `blake3:${bytesToHex(hash.digest())}`;

export async function hashFile(file: string): Promise<string> {
  const hash = createModelHash();
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hashText(hash);
}

/** Relative paths of every file under `folder`, sorted. */
export async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(folder, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

export async function hashFolder(folder: string): Promise<string> {
  const files: { path: string; hash: string }[] = [];
  for (const file of await listFiles(folder)) files.push({ path: file, hash: await hashFile(path.join(folder, file)) });
  return folderHashOf(files);
}

/** A folder's hash from its files' relative paths and hashes (sorted here, as listFiles sorts them). */
export function folderHashOf(files: readonly { readonly path: string; readonly hash: string }[]): string {
  const hash = createModelHash();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(new TextEncoder().encode(`${file.path}\n${file.hash}\n`));
  return hashText(hash);
}
