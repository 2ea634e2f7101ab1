/**
 * The blob store on S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, Ceph) through the
 * AWS SDK v3. Streams go up with lib-storage's multipart Upload, which aborts the multipart upload
 * when a part fails, so an interrupted upload leaves no object; S3 makes an object visible only
 * once it is whole and stored. Readers can be handed a presigned GET instead of the bytes.
 */
import { Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BlobMissingError, BlobStoreMisconfiguredError, BlobStoreUnavailableError, BlobTooLargeError, checkBlobKey, type BlobInfo, type BlobPutOptions, type BlobStore, type BlobUrl } from './blob-store';

export interface S3BlobStoreOptions {
  readonly bucket: string;
  readonly region: string;
  /** For S3-compatible servers (MinIO, R2, Ceph, a test server); AWS when absent. */
  readonly endpoint?: string;
  /** Bucket in the path (`endpoint/bucket/key`), as MinIO and most self-hosted servers want. */
  readonly forcePathStyle?: boolean;
  /** Keys given explicitly; the SDK's default chain (environment, profile, instance role) otherwise. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Put before every key, to share a bucket: `pinksea/`. */
  readonly prefix?: string;
}

/** Objects above this go up in parts (lib-storage's smallest part is 5 MiB). */
const PART_BYTES = 8 * 1024 * 1024;

export class S3BlobStore implements BlobStore {
  readonly description: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
    this.description = `bucket ${options.bucket}${options.endpoint ? ` at ${new URL(options.endpoint).host}` : ` in ${options.region}`}`;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
      // The SDK retries throttling and 5xx itself; a store that is down fails the request soon after.
      maxAttempts: 3,
    });
  }

  async put(key: string, body: Uint8Array | Readable, options: BlobPutOptions = {}): Promise<{ size: number }> {
    const Key = this.keyOf(key);
    const ContentType = options.contentType;
    if (body instanceof Uint8Array) {
      if (options.maxBytes !== undefined && body.byteLength > options.maxBytes) throw new BlobTooLargeError(key, options.maxBytes);
      await this.send(`store ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key, Body: body, ContentLength: body.byteLength, ContentType })));
      return { size: body.byteLength };
    }
    let size = 0;
    let tooLarge: BlobTooLargeError | undefined;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.byteLength;
          if (options.maxBytes !== undefined && size > options.maxBytes) return done((tooLarge = new BlobTooLargeError(key, options.maxBytes)));
          done(null, chunk);
        },
      }),
    );
    body.once('error', (error) => counted.destroy(error));
    const upload = new Upload({ client: this.client, params: { Bucket: this.options.bucket, Key, Body: counted, ContentType }, partSize: PART_BYTES, queueSize: 2, leavePartsOnError: false });
    try {
      await upload.done();
    } catch (error) {
      await upload.abort().catch(() => undefined);
      if (tooLarge) throw tooLarge;
      throw error instanceof S3ServiceException ? new BlobStoreUnavailableError(`store ${key}`, this.description, error) : error;
    }
    return { size };
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.stream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stream(key: string): Promise<Readable> {
    const answer = await this.send(`read ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) })), key);
    if (!(answer.Body instanceof Readable)) throw new BlobStoreUnavailableError(`read ${key}`, this.description, new Error('the answer had no body'));
    return answer.Body;
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const answer = await this.send(`look up ${key}`, () => this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) })), key);
      return { key, size: answer.ContentLength ?? 0, modifiedAt: answer.LastModified ?? new Date(0) };
    } catch (error) {
      if (error instanceof BlobMissingError) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.send(`delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) })));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.send(`list ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: `${this.prefix}${prefix}`, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async signedUrl(key: string, ttlSeconds: number, options: { readonly contentType?: string; readonly fileName?: string } = {}): Promise<BlobUrl> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.keyOf(key),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
      ...(options.fileName ? { ResponseContentDisposition: `inline; filename="${options.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"` } : {}),
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: ttlSeconds });
    return { url, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 404 || error instanceof NotFound) {
        throw new BlobStoreMisconfiguredError(this.description, `the bucket "${this.options.bucket}" does not exist; create it, or set PINKSEA_S3_BUCKET to one that does`);
      }
      const reason = status === 403 ? 'the credentials were refused (PINKSEA_S3_ACCESS_KEY_ID, PINKSEA_S3_SECRET_ACCESS_KEY)' : `its bucket could not be reached (${error instanceof Error ? error.message : String(error)}); check PINKSEA_S3_ENDPOINT and PINKSEA_S3_REGION`;
      throw new BlobStoreMisconfiguredError(this.description, reason);
    }
  }

  /** Ends the client's connections. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    return `${this.prefix}${checkBlobKey(key)}`;
  }

  /** Runs a request; a missing object becomes BlobMissingError (when `key` is given), a failure BlobStoreUnavailableError. */
  private async send<T>(what: string, request: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (key !== undefined && (error instanceof NoSuchKey || error instanceof NotFound || status === 404)) throw new BlobMissingError(key, this.description);
      throw new BlobStoreUnavailableError(what, this.description, error);
    }
  }
}
