/**
 * An inline run thread's entry (see inline-runs.ts): loads the light packs, opens the database and
 * the blob store (for the owner's images and stored credentials), and runs the graphs it is sent,
 * several at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { toErrorInfo } from '../../engine/errors';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { createCredentialAccess } from '../credentials/credential-access';
import { CredentialRepository } from '../credentials/credential.repository';
import { connect } from '../database/database';
import { BlobImageFileStore } from '../images/blob-image-file-store';
import { createImageSaver } from '../images/image-saver';
import { ImageRepository } from '../images/image.repository';
import { sniffImageType } from '../images/image-type';
import { createOwnerImageStore } from '../images/owner-image-store';
import { WorkingImages } from '../images/working-images';
import { PLATFORM_ENTITIES } from '../platform/platform-entities';
import { loadPackFromFolder } from '../plugins/pack-loader';
import { SessionContextHost } from '../queue/session-context-host';
import { createBlobStore } from '../storage/blob-store-factory';
import { runAutomationGraph } from './automation-graph-run';
import { RunRepository, type RunWrite } from './run.repository';
import { RunWriter } from './run-writer';
import { SecretBox } from './secret-box';
import type { Graph } from '../../engine/graph/graph';
import { GraphShelf, noModels, type InlineRunMessage, type InlineRunReply, type InlineRunRequest, type InlineThreadData } from './inline-runs';

const port = parentPort!;
const { config, databaseUrl, packFolders, secretsKey } = workerData as InlineThreadData;

async function start() {
  const registry = new NodeRegistry();
  for (const folder of packFolders) await loadPackFromFolder(folder, registry);
  const blobs = createBlobStore(config);
  const dataSource = await connect(databaseUrl, PLATFORM_ENTITIES);
  const files = new BlobImageFileStore(blobs);
  const records = new ImageRepository(dataSource);
  const saver = createImageSaver(files, records);
  const credentialRecords = new CredentialRepository(dataSource);
  const secrets = new SecretBox(secretsKey);
  const network = { allowPrivateAddresses: config.allowPrivateNodeUrls };
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const running = new Map<string, AbortController>();
  const graphs = new GraphShelf<Graph>();
  const repository = new RunRepository(dataSource);
  const writer = new RunWriter(repository);

  /**
   * A run given its record to write (a sync run recorded once, at its end) that succeeded is
   * recorded here, so its nodes and outputs never travel back to the main thread; the reply says so.
   */
  const recorded = async (request: InlineRunRequest, reply: InlineRunReply): Promise<InlineRunReply> => {
    if (!request.record || reply.result.status !== 'succeeded') return reply;
    const { result } = reply;
    const write: RunWrite = { ...request.record, input: request.payload ?? null, status: 'succeeded', nodes: result.nodes, output: result.output, error: null, startedAt: new Date(request.record.startedAt ?? Date.now()), createdAt: new Date(request.record.createdAt), finishedAt: new Date() };
    // Taken already (the caller stopped waiting, and its process recorded the start): the main thread writes the end.
    if (!(await writer.insertNew(write))) return reply;
    return { ...reply, result: { ...result, nodes: [] }, recorded: true };
  };

  const run = async (request: InlineRunRequest): Promise<InlineRunReply> => {
    const working = new WorkingImages();
    const images = createOwnerImageStore({ ownerId: request.ownerId, files, records, saver, sessionId: request.runId, graph: request.graph, working });
    const credentials = createCredentialAccess({ records: credentialRecords, secrets, ownerId: request.ownerId });
    const host = new SessionContextHost({ images, models: noModels, logger, credentials, network });
    let payload = request.payload;
    if (request.image) {
      // The posted image is the run's first working image: kept only if the run names it.
      const data = request.image;
      const format = sniffImageType(data) ?? 'png';
      const meta = await sharp(data, { limitInputPixels: config.maxGenerationPixels * 4 }).metadata();
      const ref = working.hold({ data, format, width: meta.width ?? 0, height: meta.height ?? 0, intermediate: true });
      payload = { ...(payload as object), image: ref ?? (await images.save({ data, format, width: meta.width ?? 0, height: meta.height ?? 0 })) };
    }
    const abort = new AbortController();
    running.set(request.runId, abort);
    try {
      const result = await runAutomationGraph({ graph: request.graph, triggerNodeId: request.triggerNodeId, payload, registry, host, signal: abort.signal });
      const image = result.output?.image;
      if (!image) return { result };
      const stored = await images.get({ imageName: image.imageName });
      // An async run's answer is fetched later: its image is recorded as the owner's. A sync one is answered with the bytes.
      if (request.keepImages) await images.keepNamedIn(image);
      const output = { ...result.output!, image: { imageName: image.imageName, width: stored.width, height: stored.height, kept: request.keepImages } };
      // A copy of its own, so the bytes can be transferred to the main thread.
      return { result: { ...result, output }, image: { data: new Uint8Array(stored.data), format: stored.format } };
    } finally {
      running.delete(request.runId);
    }
  };

  port.on('message', (message: { type: 'run'; id: number; request: InlineRunMessage } | { type: 'cancel'; runId: string } | { type: 'stop' }) => {
    if (message.type === 'stop') {
      for (const abort of running.values()) abort.abort();
      void repository.close().then(() => dataSource.destroy()).finally(() => process.exit(0));
      return;
    }
    if (message.type === 'cancel') return running.get(message.runId)?.abort();
    const { graph: sent, ...request } = message.request;
    if (sent) graphs.put(request.graphKey, sent);
    const graph = graphs.get(request.graphKey)!;
    const full = { ...request, graph };
    run(full).then((reply) => recorded(full, reply)).then(
      (reply) => port.postMessage({ id: message.id, reply }, reply.image ? [reply.image.data.buffer as ArrayBuffer] : []),
      (error: unknown) => port.postMessage({ id: message.id, reply: { result: { status: 'failed', error: toErrorInfo(error), nodes: [], output: null } } }),
    );
  });
  port.postMessage({ type: 'ready' });
}

start().catch((error: unknown) => {
  port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
});
