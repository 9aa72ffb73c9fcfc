import {
  extractIocs,
  isMicrosoftModule,
  isPopularAddress,
  isPopularDomain,
  isPopularService,
} from '../../../lambdas/core/enrich';
import type { Ioc } from '../../../lambdas/core/model/enrichment';
import { makeAlert, procsrvConnectAlert } from './factories';

const SHA256 = 'a1b2c3d4'.repeat(8);
const find = (iocs: Ioc[], value: string): Ioc | undefined =>
  iocs.find((i) => i.value.toLowerCase() === value.toLowerCase());

function moduleLoad(module: NonNullable<Parameters<typeof isMicrosoftModule>[0]>) {
  return makeAlert({
    eventType: 'image_load',
    eventCode: 7,
    process: { pid: 3224, image: 'C:\\Windows\\System32\\mavinject.exe' },
    module,
  });
}

describe('IOC hygiene: modules Microsoft signed', () => {
  const signed = {
    path: 'C:\\Windows\\System32\\IPHLPAPI.DLL',
    hashes: { sha256: SHA256 },
    signed: true,
    signature: 'Microsoft Windows',
    signatureStatus: 'Valid',
  };

  it('lists neither the path nor the hash of a valid Microsoft Windows or Microsoft Corporation signature', () => {
    for (const signature of ['Microsoft Windows', 'Microsoft Corporation']) {
      const iocs = extractIocs(moduleLoad({ ...signed, path: 'C:\\Temp\\x.dll', signature }));
      expect(find(iocs, SHA256)).toBeUndefined();
      expect(find(iocs, 'C:\\Temp\\x.dll')).toBeUndefined();
    }
  });

  it('keeps a module whose signature is not valid, not Microsoft, or absent', () => {
    for (const m of [
      { ...signed, path: 'C:\\Temp\\x.dll', signatureStatus: 'Expired' },
      { ...signed, path: 'C:\\Temp\\x.dll', signature: 'Evil Corp' },
      { ...signed, path: 'C:\\Temp\\x.dll', signed: false },
      { path: 'C:\\Temp\\x.dll', hashes: { sha256: SHA256 } },
    ]) {
      const iocs = extractIocs(moduleLoad(m));
      expect(find(iocs, SHA256)?.type).toBe('sha256');
      expect(find(iocs, 'C:\\Temp\\x.dll')?.type).toBe('file');
    }
  });

  it('does not list a stock binary loaded at its stock path, signed or not', () => {
    const m = { path: 'C:\\Windows\\System32\\rundll32.exe', hashes: { sha256: SHA256 } };
    expect(isMicrosoftModule(m)).toBe(true);
    expect(find(extractIocs(moduleLoad(m)), SHA256)).toBeUndefined();
    // The same name elsewhere is not the stock binary.
    expect(isMicrosoftModule({ ...m, path: 'C:\\Users\\Public\\rundll32.exe' })).toBe(false);
  });

  it('does not hash-list a process image Microsoft signed (EDR signer field)', () => {
    const process = { image: 'C:\\Tools\\tool.exe', hashes: { sha256: SHA256 } };
    expect(find(extractIocs(makeAlert({ process })), SHA256)).toBeDefined();
    const signedProcess = { ...process, signed: true, signature: 'Microsoft Corporation' };
    expect(find(extractIocs(makeAlert({ process: signedProcess })), SHA256)).toBeUndefined();
  });
});

describe('IOC hygiene: hashes only from hash fields, by length', () => {
  it('types no hash from free text: an Empire staging key is not an MD5', () => {
    const key = '2c103f2c4ed1e59c0b4e2e01821770fa';
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
          commandLine: `powershell -c $K=[System.Text.Encoding]::ASCII.GetBytes('${key}')`,
        },
      }),
    );
    expect(iocs.filter((i) => ['md5', 'sha1', 'sha256'].includes(i.type))).toEqual([]);
  });

  it('types a hash field by its length, and drops lengths and placeholders that are no hash', () => {
    const alert = makeAlert({
      eventType: 'file_create',
      eventCode: 11,
      file: {
        path: 'C:\\Users\\Public\\a.exe',
        hashes: { md5: 'ab'.repeat(20), sha1: 'cd'.repeat(20), sha256: '0'.repeat(64) },
      },
    });
    const hashes = extractIocs(alert).filter((i) => ['md5', 'sha1', 'sha256'].includes(i.type));
    expect(hashes).toEqual([expect.objectContaining({ type: 'sha1', value: 'cd'.repeat(20) })]);
  });
});

describe("IOC hygiene: the victim's own addresses and processes", () => {
  it("keeps the host's addresses and the source of an outbound connection out", () => {
    const iocs = extractIocs(
      procsrvConnectAlert({
        host: { name: 'WS-0105', ips: ['10.10.3.5', '::ffff:192.0.2.10'] },
        network: { direction: 'outbound', srcIp: '198.51.100.9', dstIp: '192.0.2.10', dstPort: 443 },
      }),
    );
    expect(find(iocs, '198.51.100.9')).toBeUndefined();
    expect(find(iocs, '192.0.2.10')).toBeUndefined();
  });

  it('keeps the source of an inbound connection: that is the attacker', () => {
    const iocs = extractIocs(
      procsrvConnectAlert({ network: { direction: 'inbound', srcIp: '194.165.16.89', dstIp: '10.10.3.5' } }),
    );
    expect(find(iocs, '194.165.16.89')?.type).toBe('ipv4');
  });

  it('lists no stock process by name or stock path from EDR evidence, but keeps an impostor', () => {
    const iocs = extractIocs(
      makeAlert({
        artifacts: [
          { type: 'process', value: 'explorer.exe' },
          { type: 'process', value: 'C:\\Windows\\explorer.exe' },
          { type: 'file', value: 'C:\\Windows\\System32\\svchost.exe' },
          { type: 'file', value: 'C:\\Users\\Public\\svchost.exe' },
        ],
      }),
    );
    expect(iocs.map((i) => i.value)).toEqual(['C:\\Users\\Public\\svchost.exe']);
  });

  it('turns ::ffff: addresses into the IPv4 they are', () => {
    const iocs = extractIocs(makeAlert({ artifacts: [{ type: 'ip', value: '::ffff:203.0.113.45' }] }));
    expect(iocs).toEqual([expect.objectContaining({ type: 'ipv4', value: '203.0.113.45' })]);
  });
});

describe('well-known services', () => {
  it.each([
    'github.com',
    'raw.githubusercontent.com',
    'download.windowsupdate.com',
    'www.google.com',
    'x.cloudfront.net',
  ])('knows %s', (d) => expect(isPopularDomain(d)).toBe(true));

  it.each(['github.com.evil.example', 'azureedge-cdn.net', 'evil.example', 'www.dropbox-dns.com'])(
    'does not take %s for one',
    (d) => expect(isPopularDomain(d)).toBe(false),
  );

  it('knows CDN ranges and judges ::ffff: and URLs by their host', () => {
    expect(isPopularAddress('151.101.1.69')).toBe(true);
    expect(isPopularAddress('::ffff:151.101.1.69')).toBe(true);
    expect(isPopularAddress('194.165.16.89')).toBe(false);
    expect(isPopularService('https://github.com/x/y/raw/main/a.ps1')).toBe(true);
    expect(isPopularService('https://evil.example/a.ps1')).toBe(false);
  });
});
