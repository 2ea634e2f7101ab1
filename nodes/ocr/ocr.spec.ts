import { createTestContext, expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import detectText from './detect-text.node';
import { ocrHost, renderText, storeRendered } from './ocr-testing';
import recognizeText from './recognize-text.node';

const MODELS = { detectionModel: { key: 'ocr-det' }, recognitionModel: { key: 'ocr-rec' }, classifierModel: { key: 'ocr-cls' } };

describe('ocr.recognize_text', () => {
  const host = ocrHost([{ info: { key: 'sd', name: 'sd15', base: 'sd-1', type: 'main', format: 'diffusers', sizeBytes: 0 }, load: async () => ({}) }]);
  const read = async (image: sharp.Sharp, inputs = {}) => {
    const ref = await storeRendered(host, image);
    return invokeNode(recognizeText, { image: ref, ...MODELS, ...inputs }, createTestContext({ host }).ctx);
  };

  it('reads back exactly a line of text rendered with sharp', async () => {
    const result = await read(renderText('HELLO 123'));
    expect(result.text).toBe('HELLO 123');
    expect(result.count).toBe(1);
    const [line] = result.lines as { text: string; score: number; box: { x: number; y: number }[] }[];
    expect(line!.score).toBeGreaterThan(0.9);
    expect(line!.score).toBeLessThanOrEqual(1);
    for (const point of line!.box) {
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.x).toBeLessThanOrEqual(640);
      expect(point.y).toBeGreaterThanOrEqual(0);
      expect(point.y).toBeLessThanOrEqual(160);
    }
  });

  it('reads lowercase words and digits, and works without the classifier', async () => {
    const result = await read(renderText('The quick brown fox 42', { width: 900 }), { classifierModel: undefined });
    expect(result.text).toBe('The quick brown fox 42');
  });

  it('reads two lines top to bottom', async () => {
    const lines = sharp({ create: { width: 640, height: 320, channels: 3, background: '#ffffff' } }).composite([
      { input: await renderText('FIRST LINE').toBuffer(), top: 0, left: 0 },
      { input: await renderText('second 2').toBuffer(), top: 160, left: 0 },
    ]);
    expect((await read(lines.png())).text).toBe('FIRST LINE\nsecond 2');
  });

  it('turns an upside-down line the right way up with the classifier', async () => {
    expect((await read(renderText('HELLO 123', { angle: 180 }))).text).toBe('HELLO 123');
  });

  it('finds no lines on a blank image', async () => {
    const result = await read(sharp({ create: { width: 320, height: 160, channels: 3, background: '#ffffff' } }).png());
    expect(result).toEqual({ lines: [], text: '', count: 0 });
  });

  it('refuses bytes that are not an image, naming the input', async () => {
    const image = await host.images.save({ data: Buffer.from('not an image at all'), format: 'png', width: 1, height: 1 });
    await expectNodeError(() => invokeNode(recognizeText, { image, ...MODELS }, createTestContext({ host }).ctx), 'invalid_image', 'image');
  });

  it('refuses a model of the wrong type or format for each input', async () => {
    const image = await storeRendered(host, renderText('HI'));
    const ctx = createTestContext({ host }).ctx;
    await expectNodeError(() => invokeNode(recognizeText, { image, ...MODELS, detectionModel: { key: 'ocr-rec' } }, ctx), 'wrong_model_type', 'detectionModel');
    await expectNodeError(() => invokeNode(recognizeText, { image, ...MODELS, recognitionModel: { key: 'sd' } }, ctx), 'wrong_model_format', 'recognitionModel');
    await expectNodeError(() => invokeNode(recognizeText, { image, ...MODELS, classifierModel: { key: 'ocr-det' } }, ctx), 'wrong_model_type', 'classifierModel');
    await expectNodeError(() => invokeNode(recognizeText, { image, ...MODELS, recognitionModel: { key: 'missing' } }, ctx), 'model_not_found', 'recognitionModel');
  });

  it('asks for the models, which have no default', async () => {
    const image = await storeRendered(host, renderText('HI'));
    await expectNodeError(() => invokeNode(recognizeText, { image }, createTestContext({ host }).ctx), 'model_required', 'detectionModel');
  });
});

describe('ocr.detect_text', () => {
  const host = ocrHost();

  it('boxes each line inside the image, with scores between 0 and 1', async () => {
    const image = await storeRendered(host, renderText('HELLO 123'));
    const result = await invokeNode(detectText, { image, detectionModel: { key: 'ocr-det' } }, createTestContext({ host }).ctx);
    expect(result.count).toBe(1);
    const [found] = result.boxes as { box: { x: number; y: number }[]; score: number }[];
    expect(found!.score).toBeGreaterThan(0.6);
    expect(found!.score).toBeLessThanOrEqual(1);
    const xs = found!.box.map((p) => p.x);
    const ys = found!.box.map((p) => p.y);
    // The text is centered: about 345 pixels wide (with the unclip margin) and 50 high around (320, 80).
    expect(Math.min(...xs)).toBeGreaterThan(120);
    expect(Math.max(...xs)).toBeLessThan(520);
    expect(Math.min(...ys)).toBeGreaterThan(30);
    expect(Math.max(...ys)).toBeLessThan(130);
  });

  it('finds nothing on a blank image', async () => {
    const image = await storeRendered(host, sharp({ create: { width: 200, height: 100, channels: 4, background: '#ffffff00' } }).png());
    expect(await invokeNode(detectText, { image, detectionModel: { key: 'ocr-det' } }, createTestContext({ host }).ctx)).toEqual({ boxes: [], count: 0 });
  });
});
