import { defineNode, field, output } from '@pinksea/node-sdk';
import { throwIfCanceled } from '@pinksea/nodes-image/image-io';
import { DETECTION_DEFAULTS, detectText } from './detection';
import { readRgb } from './ocr-image';
import { loadDetector, OCR_MODEL_TYPES } from './ocr-models';
import { readingOrder } from './recognition';

export default defineNode({
  type: 'ocr.detect_text',
  title: 'Detect Text',
  description:
    'Finds the lines of text in an image and returns a box around each, in reading order, with how sure the model is (0 to 1). Each box is four corners, clockwise from the top-left, in pixels.',
  category: 'ocr',
  tags: ['ocr', 'text', 'detect', 'boxes', 'paddleocr'],
  version: '1.0.0',
  needs: { gpu: true, models: [OCR_MODEL_TYPES.detection] },
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to look for text in' }),
    detectionModel: field.model({
      title: 'Detection model',
      description: 'A text detection model, such as PP-OCRv4 detection',
      ui: { order: 1, widget: 'model', modelFilter: { type: [OCR_MODEL_TYPES.detection] } },
    }),
    threshold: field.float({ title: 'Box threshold', description: 'Boxes the model is less sure of than this are dropped', default: DETECTION_DEFAULTS.boxThreshold, minimum: 0, maximum: 1, ui: { order: 2 } }),
    maxSide: field.integer({ title: 'Max side', description: 'The image is shrunk to at most this many pixels on its longer side before detection', default: DETECTION_DEFAULTS.maxSide, minimum: 64, maximum: 4096, ui: { order: 3 } }),
  },
  outputs: {
    boxes: output.any({ title: 'Boxes', description: 'The text boxes: a list of { box: four { x, y } corners, score }' }),
    count: output.integer({ title: 'Count', description: 'How many boxes were found' }),
  },
  async invoke({ image, detectionModel, threshold, maxSide }, ctx) {
    const pixels = await readRgb(ctx, image, 'image');
    const session = await loadDetector(ctx, detectionModel, 'detectionModel');
    throwIfCanceled(ctx);
    const boxes = readingOrder(await detectText(session, pixels, { ...DETECTION_DEFAULTS, boxThreshold: threshold, maxSide }));
    return { boxes, count: boxes.length };
  },
});
