import { defineNode, field, output } from '@pinksea/node-sdk';
import { throwIfCanceled } from '@pinksea/nodes-image/image-io';
import { DETECTION_DEFAULTS, detectText, type TextBox } from './detection';
import { readRgb } from './ocr-image';
import { loadClassifier, loadDetector, loadRecognizer, OCR_MODEL_TYPES } from './ocr-models';
import { cropBox, orient, readingOrder, recognize } from './recognition';

export interface TextLine extends TextBox {
  readonly text: string;
}

export default defineNode({
  type: 'ocr.recognize_text',
  title: 'Recognize Text (OCR)',
  description:
    'Reads the text in an image: finds each line, reads it, and returns the lines in reading order with their boxes and how sure the model is (0 to 1), plus all the text joined with line breaks. Lines read with less confidence than the minimum are left out.',
  category: 'ocr',
  tags: ['ocr', 'text', 'recognize', 'read', 'paddleocr'],
  version: '1.0.0',
  needs: { gpu: true, models: [OCR_MODEL_TYPES.detection, OCR_MODEL_TYPES.recognition, OCR_MODEL_TYPES.classifier] },
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to read' }),
    detectionModel: field.model({
      title: 'Detection model',
      description: 'A text detection model, such as PP-OCRv4 detection',
      ui: { order: 1, widget: 'model', modelFilter: { type: [OCR_MODEL_TYPES.detection] } },
    }),
    recognitionModel: field.model({
      title: 'Recognition model',
      description: 'A text recognition model using the PP-OCR dictionary, such as PP-OCRv4 recognition',
      ui: { order: 2, widget: 'model', modelFilter: { type: [OCR_MODEL_TYPES.recognition] } },
    }),
    classifierModel: field.model({
      title: 'Orientation classifier',
      description: 'Optional: a model that tells upside-down lines, which are then turned before reading',
      optional: true,
      ui: { order: 3, widget: 'model', modelFilter: { type: [OCR_MODEL_TYPES.classifier] } },
    }),
    minScore: field.float({ title: 'Minimum score', description: 'Lines read with less confidence than this are left out', default: 0.5, minimum: 0, maximum: 1, ui: { order: 4 } }),
    maxSide: field.integer({ title: 'Max side', description: 'The image is shrunk to at most this many pixels on its longer side to find the text', default: DETECTION_DEFAULTS.maxSide, minimum: 64, maximum: 4096, ui: { order: 5 } }),
  },
  outputs: {
    lines: output.any({ title: 'Lines', description: 'The lines read: a list of { text, score, box: four { x, y } corners }' }),
    text: output.string({ title: 'Text', description: 'All the text, one line per line read' }),
    count: output.integer({ title: 'Count', description: 'How many lines were read' }),
  },
  async invoke({ image, detectionModel, recognitionModel, classifierModel, minScore, maxSide }, ctx) {
    const pixels = await readRgb(ctx, image, 'image');
    const detector = await loadDetector(ctx, detectionModel, 'detectionModel');
    const { session: recognizer, alphabet } = await loadRecognizer(ctx, recognitionModel, 'recognitionModel');
    const classifier = classifierModel?.key ? await loadClassifier(ctx, classifierModel, 'classifierModel') : undefined;
    throwIfCanceled(ctx);
    const boxes = readingOrder(await detectText(detector, pixels, { ...DETECTION_DEFAULTS, maxSide }));
    const lines: TextLine[] = [];
    for (const [index, found] of boxes.entries()) {
      throwIfCanceled(ctx);
      ctx.progress({ step: index + 1, total: boxes.length, message: 'Reading text' });
      const crop = cropBox(pixels, found.box);
      const reading = await recognize(recognizer, classifier ? await orient(classifier, crop) : crop, alphabet);
      const text = reading.text.trim();
      if (text !== '' && reading.score >= minScore) lines.push({ text, score: reading.score, box: found.box });
    }
    return { lines, text: lines.map((line) => line.text).join('\n'), count: lines.length };
  },
});
