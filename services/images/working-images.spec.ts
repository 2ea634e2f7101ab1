import type { ImageToSave } from '../../engine/node-context';
import { WorkingImages } from './working-images';

const image = (bytes: number): ImageToSave => ({ data: new Uint8Array(bytes), format: 'png', width: 2, height: 2, intermediate: true });

describe('WorkingImages', () => {
  it('holds a run\'s images under fresh names and gives them back', () => {
    const working = new WorkingImages();
    const ref = working.hold(image(10))!;
    expect(working.get(ref.imageName)).toEqual(jasmine.objectContaining({ ref, format: 'png', width: 2, height: 2 }));
    expect(working.get('some-other-name')).toBeUndefined();
  });

  it('stops holding once its byte budget is spent, so the caller records the rest', () => {
    const working = new WorkingImages(25);
    expect(working.hold(image(10))).toBeDefined();
    expect(working.hold(image(10))).toBeDefined();
    expect(working.hold(image(10))).toBeUndefined();
  });

  it('finds the held images that results name, at any depth, each once', () => {
    const working = new WorkingImages();
    const [a, b, unused] = [working.hold(image(1))!, working.hold(image(1))!, working.hold(image(1))!];
    const results = { outputs: { x: [{ image: a }], y: [{ nested: { list: [b, a, { imageName: 'recorded-elsewhere' }] } }] } };
    expect(working.namedIn(results).map((found) => found.name)).toEqual([a.imageName, b.imageName]);
    expect(working.namedIn(results).map((found) => found.name)).not.toContain(unused.imageName);
  });
});
