/**
 * Bulk download: a zip of images, streamed as it is made. Each file is opened only when the zip
 * reaches it (one open file at a time) and stored without compression, since PNGs are already
 * compressed; yazl (MIT) switches to ZIP64 by itself past 4 GB. A file that fails mid-way, or a
 * client that goes away, ends the stream and closes the open file.
 */
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ArchiveEntry {
  /** The file's name inside the zip. */
  readonly fileName: string;
  readonly modified: Date;
  open(): Promise<Readable>;
}

export function zipStream(entries: readonly ArchiveEntry[], onError: (error: unknown) => void): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | undefined;
  const fail = (error: unknown) => {
    onError(error);
    current?.destroy();
    output.destroy(error instanceof Error ? error : undefined);
  };
  zip.on('error', fail);
  output.once('close', () => current?.destroy());
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.fileName, { compress: false, mtime: entry.modified }, (callback) => {
      if (output.destroyed) return;
      entry.open().then(
        (stream) => {
          current = stream;
          stream.once('error', fail);
          callback(null, stream);
        },
        fail,
      );
    });
  }
  zip.end();
  return output;
}
