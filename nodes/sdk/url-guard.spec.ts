import { checkUrl, isPrivateAddress, nonPublicReason, pinnedLookup, UrlNotAllowedError, type Lookup } from './url-guard';

/** 127.0.0.1 as the Teredo client (obfuscated: every bit flipped), behind a public Teredo server. */
const TEREDO_LOOPBACK = '2001:0:4136:e378:8000:63bf:80ff:fffe';
const TEREDO_PUBLIC = '2001:0:4136:e378:8000:63bf:f7f7:f7f7';

describe('URL guard: addresses', () => {
  it('refuses every non-public range, IPv4 and IPv6', () => {
    for (const address of [
      '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '100.127.255.254',
      '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1', '240.0.0.1', '192.0.0.8',
      '::1', '::', 'fd00::1', 'fc00::1', 'fe80::1', 'ff02::1', 'fec0::1', '2001:db8::1', '100::1',
    ]) {
      expect(isPrivateAddress(address)).withContext(address).toBeTrue();
    }
  });

  it('unwraps the IPv4 address inside mapped, compatible, translated, NAT64, 6to4 and Teredo forms and judges it', () => {
    for (const address of [
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::7f00:1', '::127.0.0.1', '::a00:1', '::ffff:0:7f00:1',
      '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::7f00:1', '64:ff9b:1:7f00:1::', '2002:7f00:1::', '2002:a00:1::1', '2002:c0a8:101::', TEREDO_LOOPBACK,
    ]) {
      expect(isPrivateAddress(address)).withContext(address).toBeTrue();
    }
    expect(nonPublicReason('::7f00:1')).toBe('loopback: 127.0.0.1 in IPv4-compatible form');
    expect(nonPublicReason('2002:7f00:1::')).toBe('loopback: 127.0.0.1 in 6to4 form');
    expect(nonPublicReason(TEREDO_LOOPBACK)).toBe('loopback: 127.0.0.1 in Teredo form');
    expect(nonPublicReason('64:ff9b::a00:1')).toBe('private: 10.0.0.1 in NAT64 form');
  });

  it('allows public addresses, in any of those forms too', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', TEREDO_PUBLIC]) {
      expect(isPrivateAddress(address)).withContext(address).toBeFalse();
    }
    expect(isPrivateAddress('not an address')).toBeTrue();
  });
});

describe('URL guard: URLs', () => {
  const publicLookup: Lookup = async () => [{ address: '93.184.216.34', family: 4 }];

  it('refuses a URL whose host is any of the listed forms, however it is spelled', async () => {
    for (const url of [
      'http://[::7f00:1]/x', 'http://[2002:7f00:1::]/x', 'http://[::ffff:127.0.0.1]/x', `http://[${TEREDO_LOOPBACK}]/x`, 'http://[64:ff9b::7f00:1]/x',
      'http://[64:ff9b:1::a00:1]/x', 'http://100.64.0.1/x', 'http://0x7f.1/x', 'http://2130706433/x', 'http://[::1]:9/x', 'http://127.0.0.1:9/x', 'http://[fe80::1]/x',
    ]) {
      await expectAsync(checkUrl(url, { allowPrivate: false, lookup: publicLookup })).withContext(url).toBeRejectedWithError(UrlNotAllowedError);
      await expectAsync(checkUrl(url, { allowPrivate: true, lookup: publicLookup })).withContext(url).toBeResolved();
    }
  });

  it('refuses a name when any of its addresses is not public, in whichever form DNS answers it', async () => {
    for (const address of ['10.0.0.5', '::7f00:1', '2002:7f00:1::', TEREDO_LOOPBACK, '64:ff9b::7f00:1', '::ffff:169.254.169.254']) {
      const lookup: Lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address, family: address.includes(':') ? 6 : 4 }];
      await expectAsync(checkUrl('https://models.example/x.onnx', { allowPrivate: false, lookup }))
        .withContext(address)
        .toBeRejectedWithError(UrlNotAllowedError, new RegExp(`resolves to a private or loopback address \\(${address.replace(/[.:]/g, '\\$&')}\\)`));
    }
  });

  it('allows a public address and a name that resolves only to public ones', async () => {
    await expectAsync(checkUrl('https://93.184.216.34/x.onnx', { allowPrivate: false, lookup: publicLookup })).toBeResolved();
    await expectAsync(checkUrl('https://[2606:4700::1111]/x.onnx', { allowPrivate: false, lookup: publicLookup })).toBeResolved();
    await expectAsync(checkUrl('https://models.example/x.onnx', { allowPrivate: false, lookup: publicLookup })).toBeResolved();
  });

  it('refuses other schemes, credentials, garbage and names that do not resolve', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
      await expectAsync(checkUrl(url, { allowPrivate: false, lookup: publicLookup })).withContext(url).toBeRejectedWithError(UrlNotAllowedError);
    }
    await expectAsync(checkUrl('https://nowhere.example/x', { allowPrivate: false, lookup: async () => [] })).toBeRejectedWithError(UrlNotAllowedError, /no address/);
  });

  it('pins a connection to the checked addresses', () => {
    const lookup = pinnedLookup([{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }]);
    const answers: unknown[] = [];
    lookup('models.example', {}, (_error, address, family) => answers.push([address, family]));
    lookup('models.example', { all: true }, (_error, addresses) => answers.push(addresses));
    expect(answers).toEqual([['93.184.216.34', 4], [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }]]);
  });

  it('names the field that carried the URL, `url` unless told', async () => {
    const refused = (field?: string) => checkUrl('http://127.0.0.1/x', { allowPrivate: false, ...(field ? { field } : {}) }).catch((error: unknown) => error as UrlNotAllowedError);
    expect((await refused())).toEqual(jasmine.objectContaining({ code: 'url_not_allowed', field: 'url', issues: [jasmine.objectContaining({ field: 'url' })] }));
    expect((await refused('source'))).toEqual(jasmine.objectContaining({ field: 'source', issues: [jasmine.objectContaining({ field: 'source' })] }));
  });
});
