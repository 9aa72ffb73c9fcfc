import { defang, defangText, refang } from '../../../lambdas/core/enrich';

describe('defang', () => {
  it('brackets the last dot of an IPv4 address, as the reference ticket writes it', () => {
    expect(defang('ipv4', '194.165.16.89')).toBe('194.165.16[.]89');
  });

  it('brackets the second colon of an IPv6 address', () => {
    expect(defang('ipv6', '2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8[:]85a3::8a2e:370:7334');
    expect(defang('ipv6', '2001:db8::1')).toBe('2001:db8[:]:1');
  });

  it('brackets every dot of a domain', () => {
    expect(defang('domain', 'www.dropbox.com')).toBe('www[.]dropbox[.]com');
  });

  it('rewrites the scheme and defangs the host of a URL, leaving path and query alone', () => {
    expect(defang('url', 'https://evil.example.com/a.ps1?x=1.2')).toBe('hxxps://evil[.]example[.]com/a.ps1?x=1.2');
    expect(defang('url', 'http://194.165.16.89:8080/payload.bin')).toBe('hxxp://194.165.16[.]89:8080/payload.bin');
    expect(defang('url', 'ftp://user@files.example.org/x')).toBe('fxp://user@files[.]example[.]org/x');
  });

  it('leaves non-network types unchanged', () => {
    const path = 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll';
    expect(defang('file', path)).toBe(path);
    expect(defang('sha256', 'ab'.repeat(32))).toBe('ab'.repeat(32));
    expect(defang('commandline', 'curl https://evil.example.com')).toBe('curl https://evil.example.com');
  });
});

describe('defangText', () => {
  it('defangs URLs, addresses and domains inside free text', () => {
    expect(defangText('mshta http://evil.example.com/a.hta then 194.165.16.89:443 and www.dropbox.com')).toBe(
      'mshta hxxp://evil[.]example[.]com/a.hta then 194.165.16[.]89:443 and www[.]dropbox[.]com',
    );
  });

  it('leaves file names that look like domains alone', () => {
    expect(defangText('rundll32.exe security.dll,UpdateNow')).toBe('rundll32.exe security.dll,UpdateNow');
  });
});

describe('refang', () => {
  it('restores values a feed wrote defanged', () => {
    expect(refang('194.165.16[.]89')).toBe('194.165.16.89');
    expect(refang('hxxps://evil[.]example[.]com/x')).toBe('https://evil.example.com/x');
    expect(refang('evil(dot)example[dot]com')).toBe('evil.example.com');
  });

  it('is the inverse of defang for network values', () => {
    expect(refang(defang('ipv4', '10.1.2.3'))).toBe('10.1.2.3');
    expect(refang(defang('url', 'https://a.example.com/p'))).toBe('https://a.example.com/p');
  });
});
