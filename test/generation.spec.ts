/**
 * Generating images as a user does, end to end on one `all` platform (API → queue → worker): the
 * generate route builds the standard graph on the demo pipeline every start registers (the tiny
 * Stable Diffusion of the real ONNX layout). Text to image with its size, seeds and progress
 * events; cancel mid-denoise; image to image at strength 0; inpainting; and bad requests.
 */
import sharp from 'sharp';
import { io as connect, type Socket } from 'socket.io-client';
import { eventually } from './support/eventually';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { pixelsOf } from './support/test-images';
import { request } from './support/test-platform';

interface Item {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
}

describe('generating images through the platform (demo pipeline)', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'generation');
  let token: string;
  let model: string;
  let ocrModel: string;
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((socket) => socket.close()));

  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, { token, ...options });

  beforeAll(async () => {
    db.skipIfMissing();
    const session = await request<{ accessToken: string }>(real.platform.url!, 'POST', '/auth/register', { body: { email: 'gen@example.com', password: 'a long enough password', displayName: 'Gen' } });
    token = session.body.accessToken;
    const models = await api<{ items: { key: string; name: string; type: string; base: string }[] }>('GET', '/models?limit=50');
    const demo = models.body.items.find((entry) => entry.type === 'main')!;
    expect(demo).withContext(JSON.stringify(models.body)).toEqual(jasmine.objectContaining({ name: 'Tiny SD (demo)', base: 'sd-1' }));
    model = demo.key;
    ocrModel = models.body.items.find((entry) => entry.type === 'ocr_detection')!.key;
  });

  async function generate(body: Record<string, unknown>) {
    const response = await api<{ batchId: string; enqueued: number; seeds: number[] }>('POST', '/queue/default/generate', { body: { model, prompt: 'a red house on a mountain', ...body } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function finished(batchId: string): Promise<Item[]> {
    const list = () => api<{ items: Item[] }>('GET', `/queue/default/list?batchId=${batchId}`);
    await eventually(async () => (await list()).body.items.every((item) => !['pending', 'in_progress'].includes(item.status)), 60_000, 'the generation to finish');
    return (await list()).body.items;
  }

  /** The saved images of a batch, in seed order, as PNG bytes. */
  async function imagesOf(items: readonly Item[]): Promise<Buffer[]> {
    const images: Buffer[] = [];
    for (const item of items) {
      const detail = await api<{ results: { outputs: { save: { image: { imageName: string } }[] } } }>('GET', `/queue/default/i/${item.id}`);
      const name = detail.body.results.outputs.save[0]!.image.imageName;
      const full = await fetch(`${real.platform.url}/images/${name}/full`, { headers: { authorization: `Bearer ${token}` } });
      images.push(Buffer.from(await full.arrayBuffer()));
    }
    return images;
  }

  async function upload(png: Buffer): Promise<string> {
    const uploaded = await api<{ name: string }>('POST', '/images/upload', { rawBody: png, headers: { 'content-type': 'image/png' } });
    expect(uploaded.status).toBe(201);
    return uploaded.body.name;
  }

  /** A picture of flat 8x8 blocks: the demo VAE round-trips it exactly. */
  async function blockyPng(width: number, height: number): Promise<Buffer> {
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const block = (Math.floor(x / 8) * 7 + Math.floor(y / 8) * 13) % 16;
        pixels.set([40 + block * 12, 200 - block * 9, 90 + block * 5], (y * width + x) * 3);
      }
    }
    return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  }

  it('makes the requested size, the same image for the same seed, another for another seed, and one progress event per step', async () => {
    const socket = connect(new URL(real.platform.url!).origin, { path: '/api/v1/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const progress: { itemId: string; nodeId: string; step: number; total: number; preview?: { width: number; height: number; dataUrl: string } }[] = [];
    socket.on('invocation_progress', (payload: (typeof progress)[number]) => progress.push(payload));
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));

    const batch = await generate({ width: 96, height: 64, steps: 5, seed: 1234, batchCount: 2, scheduler: 'dpmpp_2m' });
    expect([batch.enqueued, batch.seeds]).toEqual([2, [1234, 1235]]);
    const items = await finished(batch.batchId);
    expect(items.map((item) => item.error)).toEqual([null, null]);
    const [first, second] = await imagesOf(items);
    expect(await sharp(first!).metadata()).toEqual(jasmine.objectContaining({ format: 'png', width: 96, height: 64 }));
    expect(first!.equals(second!)).toBeFalse();

    const again = await finished((await generate({ width: 96, height: 64, steps: 5, seed: 1234, scheduler: 'dpmpp_2m' })).batchId);
    expect((await pixelsOf((await imagesOf(again))[0]!)).data.equals((await pixelsOf(first!)).data)).toBeTrue();

    await eventually(() => progress.filter((event) => event.itemId === items[0]!.id && event.nodeId === 'denoise').length === 5, 5_000, 'five progress events');
    const steps = progress.filter((event) => event.itemId === items[0]!.id && event.nodeId === 'denoise');
    expect(steps.map((event) => [event.step, event.total])).toEqual([1, 2, 3, 4, 5].map((step) => [step, 5]));
    // A 12x8 preview (one pixel per latent cell) rides in every event, inline.
    expect(steps.every((event) => event.preview?.width === 12 && event.preview.height === 8 && event.preview.dataUrl.startsWith('data:image/png;base64,'))).toBeTrue();

    // The saved image records every parameter of its generation.
    const detail = await api<{ results: { outputs: { save: { image: { imageName: string } }[] } } }>('GET', `/queue/default/i/${items[1]!.id}`);
    const metadata = await api<{ metadata: Record<string, unknown> }>('GET', `/images/${detail.body.results.outputs.save[0]!.image.imageName}/metadata`);
    expect(metadata.body.metadata).toEqual(
      jasmine.objectContaining({ prompt: 'a red house on a mountain', negativePrompt: '', model, width: 96, height: 64, steps: 5, cfgScale: 7.5, scheduler: 'dpmpp_2m', seed: 1235, mode: 'txt2img' }),
    );
  }, 120_000);

  it('adds a high-res pass that doubles the size when asked', async () => {
    const [item] = await finished((await generate({ width: 64, height: 64, steps: 3, seed: 3, hiresScale: 2, hiresStrength: 0.5 })).batchId);
    expect(item!.error).toBeNull();
    const [image] = await imagesOf([item!]);
    expect(await sharp(image!).metadata()).toEqual(jasmine.objectContaining({ width: 128, height: 128 }));
  }, 60_000);

  it('stops mid-denoise when canceled', async () => {
    const batch = await generate({ width: 512, height: 512, steps: 200, seed: 5 });
    const list = () => api<{ items: (Item & { id: string })[] }>('GET', `/queue/default/list?batchId=${batch.batchId}`);
    await eventually(async () => (await list()).body.items[0]?.status === 'in_progress', 30_000, 'the item to start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [item] = (await list()).body.items;
    expect((await api('PUT', `/queue/default/i/${item!.id}/cancel`)).status).toBe(200);
    const [done] = await finished(batch.batchId);
    expect(done!.status).toBe('canceled');
  }, 60_000);

  it('returns the init image at strength 0, and leaves the unmasked part alone when inpainting', async () => {
    const init = await upload(await blockyPng(64, 64));
    const same = await finished((await generate({ initImage: init, strength: 0, steps: 10, seed: 9 })).batchId);
    expect(same[0]!.error).toBeNull();
    const [original, result] = [await pixelsOf(await blockyPng(64, 64)), await pixelsOf((await imagesOf(same))[0]!)];
    expect([result.width, result.height]).toEqual([64, 64]);
    expect(maxDifference(original, result, () => true)).toBeLessThanOrEqual(2);

    // White repaints: the left half.
    const maskPixels = Buffer.alloc(64 * 64 * 3);
    for (let y = 0; y < 64; y += 1) for (let x = 0; x < 32; x += 1) maskPixels.fill(255, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    const mask = await upload(await sharp(maskPixels, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer());
    const painted = await finished((await generate({ initImage: init, mask, strength: 1, steps: 10, seed: 9 })).batchId);
    expect(painted[0]!.error).toBeNull();
    const inpainted = await pixelsOf((await imagesOf(painted))[0]!);
    expect(maxDifference(original, inpainted, (x) => x >= 40)).toBeLessThanOrEqual(2);
    expect(maxDifference(original, inpainted, (x) => x < 24)).toBeGreaterThan(10);
  }, 120_000);

  it('refuses bad requests with 422 naming each field, and queues nothing', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const response = await api<{ error: { message: string; issues?: { field?: string }[] } }>('POST', '/queue/default/generate', { body: { model, prompt: 'x', ...body } });
      expect(response.status).withContext(JSON.stringify(response.body)).toBe(422);
      return { fields: (response.body.error.issues ?? []).map((issue) => issue.field), message: response.body.error.message };
    };
    expect((await bad({ width: 100 })).message).toContain('width must be a multiple of 8 (got 100); try 104');
    expect((await bad({ width: 4096, height: 4096 })).message).toContain('this server allows at most 4194304');
    // Within the server's bound but past the trial's largest image (1 MP): the plan says so, and where to upgrade.
    const planned = await bad({ width: 2048, height: 2048 });
    expect(planned.message).toContain('your Trial plan allows at most 1048576 (1 MP)');
    expect(planned.message).toContain('/pricing');
    expect((await bad({ scheduler: 'lms' })).message).toContain('Unknown scheduler "lms"; choose one of ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras');
    expect((await bad({ model: ocrModel })).message).toContain('generation needs a main (Stable Diffusion pipeline) model');
    expect((await bad({ model: 'no-such-model' })).fields).toEqual(['model']);
    const init = await upload(await blockyPng(64, 64));
    expect((await bad({ mask: init })).message).toContain('A mask needs an init image');
    const otherSize = await upload(await blockyPng(32, 32));
    expect((await bad({ initImage: otherSize })).message).toContain('width must be at least 64 (got 32)');
    expect((await bad({ initImage: init, mask: otherSize })).message).toContain('The mask is 32x32 but the init image is 64x64');
    expect((await bad({ initImage: init, width: 128 })).fields).toEqual(['width']);
    const several = await bad({ width: 100, height: 100, scheduler: 'lms' });
    expect(several.fields.sort()).toEqual(['height', 'scheduler', 'width']);
    const total = await api<{ total: number }>('GET', '/queue/default/status');
    expect(total.status).toBe(200);
  });

  it('fails an over-long prompt on its item with a clear error', async () => {
    const long = Array.from({ length: 300 }, () => 'red').join(' ');
    const [item] = await finished((await generate({ prompt: long, width: 64, height: 64, steps: 2 })).batchId);
    expect(item!.status).toBe('failed');
    expect(item!.error?.message).toContain('at most 3 windows');
  }, 60_000);
});

/** Largest per-channel difference over the pixels whose column passes `where`. */
function maxDifference(a: { data: Buffer; width: number; channels: number }, b: { data: Buffer; channels: number }, where: (x: number) => boolean): number {
  let worst = 0;
  const pixels = a.data.length / a.channels;
  for (let index = 0; index < pixels; index += 1) {
    if (!where(index % a.width)) continue;
    for (let channel = 0; channel < 3; channel += 1) worst = Math.max(worst, Math.abs(a.data[index * a.channels + channel]! - b.data[index * b.channels + channel]!));
  }
  return worst;
}
