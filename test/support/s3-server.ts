/**
 * A real S3-compatible server for specs: s3rver (npm), which speaks the S3 protocol over HTTP, on
 * a free port with its objects in a temp folder, and a bucket made for the spec. The platform's
 * S3 store and the AWS SDK talk to it exactly as to AWS S3 or MinIO.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3BlobStoreOptions } from '../../services/storage/s3-blob-store';

/** The credentials s3rver accepts (it checks a presigned URL's expiry, not its signature). */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3Server {
  readonly endpoint: string;
  readonly bucket: string;
  /** The store options for this server and bucket. */
  readonly storeOptions: S3BlobStoreOptions;
  /** The platform settings (environment) that point at it. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startS3Server(bucket = 'pinksea-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'pinksea-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    storeOptions: { bucket, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { ...S3_TEST_CREDENTIALS } },
    env: {
      PINKSEA_STORAGE: 's3',
      PINKSEA_S3_BUCKET: bucket,
      PINKSEA_S3_REGION: 'us-east-1',
      PINKSEA_S3_ENDPOINT: endpoint,
      PINKSEA_S3_FORCE_PATH_STYLE: 'true',
      PINKSEA_S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      PINKSEA_S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
