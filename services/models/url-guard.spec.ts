import { checkModelUrl, isPrivateAddress, UrlNotAllowedError } from './url-guard';

describe('model URL guard', () => {
  it('knows private, loopback, link-local and unique-local addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isPrivateAddress(address)).withContext(address).toBeTrue();
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(address)).withContext(address).toBeFalse();
    }
  });

  it('refuses a host when any of its addresses is private', async () => {
    const lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }];
    await expectAsync(checkModelUrl('https://models.example/x.onnx', { allowPrivate: false, lookup })).toBeRejectedWithError(UrlNotAllowedError, /resolves to a private or loopback address \(10\.0\.0\.5\)/);
    await expectAsync(checkModelUrl('https://models.example/x.onnx', { allowPrivate: true, lookup })).toBeResolved();
  });

  it('refuses literal private addresses, other schemes and credentials', async () => {
    const lookup = async () => [{ address: '93.184.216.34', family: 4 }];
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]/x', 'file:///etc/passwd', 'ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
      await expectAsync(checkModelUrl(url, { allowPrivate: false, lookup })).withContext(url).toBeRejectedWithError(UrlNotAllowedError);
    }
    await expectAsync(checkModelUrl('https://example.com/x.onnx', { allowPrivate: false, lookup })).toBeResolved();
  });
});
