/**
 * The diffusion pack's public entry, for the platform and other packs: what they may use besides
 * the nodes (which the manifest lists and the pack loader loads). Everything else in the pack is
 * its own; eslint.config.mjs holds services/ to this file.
 */
export { SUPPORTED_BASES } from './src/sd-model';
export { buildTinySdPipeline, type TinySdOptions } from './demo/tiny-sd-pipeline';
export { attr, writeOnnxModel, ONNX_IR_VERSION, ONNX_OPSET } from './demo/onnx-writer';
export type { OnnxAttribute, OnnxElementType, OnnxInitializer, OnnxModelSpec, OnnxNodeSpec, OnnxValueSpec, OnnxValueType } from './demo/onnx-writer';
