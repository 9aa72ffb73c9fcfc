import { buildSnapshot, indicatorKey, normalizeIndicator, parseContextFile } from '../../../lambdas/core/enrich';
import { parseCsv } from '../../../lambdas/core/enrich/csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\nplain , spaced ,\r\n';
    expect(parseCsv(text)).toEqual({
      records: [
        { fields: ['a', 'b', 'c'], line: 1 },
        { fields: ['x, y', 'say "hi"', 'two\r\nlines'], line: 2 },
        { fields: ['plain', 'spaced', ''], line: 4 },
      ],
    });
  });

  it('skips blank lines and reads a last line without a line break', () => {
    expect(parseCsv('a\n\n\nb').records).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 4 },
    ]);
  });

  it('reports an unterminated quote and text after a closing quote', () => {
    expect(parseCsv('a\n"open,b\n').error).toBe('line 2: a quoted field is not closed');
    expect(parseCsv('a\n"x"y\n').error).toBe('line 2: text after a closing quote');
  });
});

describe('parseContextFile: CSV', () => {
  it('reads assets, with quoted commas and criticality in any case, leaving empty fields out', () => {
    const text =
      'host,department,owner,criticality,os\r\n' +
      'FIN-WS-034,Finance,"Williams, Jennifer",High,Windows 11\r\n' +
      'HR-WS-002,"HR ""People""",,low,\r\n';
    expect(parseContextFile(text, 'assets.csv')).toEqual({
      assets: [
        {
          host: 'FIN-WS-034',
          department: 'Finance',
          owner: 'Williams, Jennifer',
          criticality: 'high',
          os: 'Windows 11',
        },
        { host: 'HR-WS-002', department: 'HR "People"', criticality: 'low' },
      ],
      users: [],
      indicators: [],
      errors: [],
    });
  });

  it('rejects a row with a bad criticality, naming file and line, and keeps the other rows', () => {
    const text = 'host,department,owner,criticality\nA,Finance,x,high\nB,Finance,y,urgent\nC,IT,z,\n';
    const result = parseContextFile(text, 'assets.csv');
    expect(result.assets.map((a) => a.host)).toEqual(['A', 'C']);
    expect(result.errors).toEqual([
      'assets.csv line 3: criticality "urgent" is not one of low, medium, high, critical',
    ]);
  });

  it('reports a row without a host and a row with too many fields', () => {
    const result = parseContextFile('host,criticality\n,high\nA,high,extra\n', 'a.csv');
    expect(result.assets).toEqual([]);
    expect(result.errors).toEqual(['a.csv line 2: host is empty', 'a.csv line 3: 3 fields, the header has 2']);
  });

  it('reads users', () => {
    const text = 'user,name,department,title\njwilliams,"Williams, Jennifer",Finance,Accountant\n';
    expect(parseContextFile(text, 'users.csv').users).toEqual([
      { user: 'jwilliams', name: 'Williams, Jennifer', department: 'Finance', title: 'Accountant' },
    ]);
  });

  it('reads indicators, refanging values and resolving ip and hash types', () => {
    const text =
      'type,value,source,verdict\n' +
      'ip,194.165.16[.]89,abuse.ch,malicious\n' +
      'IP Address,2001:db8::5,feed,suspicious\n' +
      'hash,C3D4E5F6C3D4E5F6C3D4E5F6C3D4E5F6C3D4E5F6C3D4E5F6C3D4E5F6C3D4E5F6,sandbox,malicious\n' +
      'url,hxxps://evil[.]example[.]com/a.ps1,,\n' +
      'domain,www[.]dropbox[.]com,cisa,\n';
    expect(parseContextFile(text, 'intel.csv')).toEqual({
      assets: [],
      users: [],
      indicators: [
        { type: 'ipv4', value: '194.165.16.89', source: 'abuse.ch', verdict: 'malicious' },
        { type: 'ipv6', value: '2001:db8::5', source: 'feed', verdict: 'suspicious' },
        { type: 'sha256', value: 'c3d4e5f6'.repeat(8), source: 'sandbox', verdict: 'malicious' },
        { type: 'url', value: 'https://evil.example.com/a.ps1' },
        { type: 'domain', value: 'www.dropbox.com', source: 'cisa' },
      ],
      errors: [],
    });
  });

  it('reports indicators it cannot use', () => {
    const text = 'type,value,source,verdict\nip,not-an-ip,x,y\nmutex,Global\\x,x,y\nmd5,abc,x,y\n';
    expect(parseContextFile(text, 'intel.csv').errors).toEqual([
      'intel.csv line 2: value "not-an-ip" is not an IP address',
      'intel.csv line 3: type "mutex" is not one of ip, domain, url, md5, sha1, sha256, file, registry, commandline, task',
      'intel.csv line 4: value "abc" is not an MD5, SHA-1 or SHA-256 hash',
    ]);
  });

  it('imports the known columns and says which it ignored', () => {
    const result = parseContextFile('host,criticality,rack\nA,critical,R12\n', 'a.csv');
    expect(result.assets).toEqual([{ host: 'A', criticality: 'critical' }]);
    expect(result.errors).toEqual(['a.csv: column "rack" is not used for assets (ignored)']);
  });

  it('refuses a header that names no kind, or more than one', () => {
    expect(parseContextFile('name,dept\nx,y\n', 'x.csv').errors[0]).toMatch(
      /^x\.csv line 1: header "name,dept" names none/,
    );
    expect(parseContextFile('host,user\nx,y\n', 'x.csv').errors[0]).toMatch(/names none \(or more than one\)/);
    expect(parseContextFile('', 'empty.csv').errors).toEqual(['empty.csv: no header row']);
  });
});

describe('parseContextFile: JSON', () => {
  it('reads the three lists of an object', () => {
    const text = JSON.stringify({
      assets: [{ host: 'FIN-WS-034', department: 'Finance', criticality: 'HIGH' }],
      users: [{ user: 'CORP\\jwilliams', name: 'Jennifer Williams' }],
      indicators: [{ type: 'ipv4', value: '194.165.16.89', verdict: 'malicious' }],
    });
    expect(parseContextFile(text, 'context.json')).toEqual({
      assets: [{ host: 'FIN-WS-034', department: 'Finance', criticality: 'high' }],
      users: [{ user: 'CORP\\jwilliams', name: 'Jennifer Williams' }],
      indicators: [{ type: 'ipv4', value: '194.165.16.89', verdict: 'malicious' }],
      errors: [],
    });
  });

  it('reads an array whose kind its objects’ keys decide, whatever the file is called', () => {
    const text = '[{"user":"jwilliams","title":"Accountant"},{"host":"A","criticality":"low"}]';
    const result = parseContextFile(text, 'people');
    expect(result.users).toEqual([{ user: 'jwilliams', title: 'Accountant' }]);
    expect(result.assets).toEqual([{ host: 'A', criticality: 'low' }]);
  });

  it('names the element of each problem', () => {
    const text = JSON.stringify({
      assets: [{ host: 'A', criticality: 'urgent' }, 'B', { host: 'C', owner: 7 }],
      hosts: [],
    });
    expect(parseContextFile(text, 'c.json').errors).toEqual([
      'c.json assets[0]: criticality "urgent" is not one of low, medium, high, critical',
      'c.json assets[1]: not an object',
      'c.json assets[2]: owner must be text',
      'c.json: key "hosts" is not one of assets, users, indicators (ignored)',
    ]);
  });

  it('reports JSON that does not parse', () => {
    const result = parseContextFile('{"assets": [', 'bad.json');
    expect(result.assets).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^bad\.json: not valid JSON/);
  });
});

describe('buildSnapshot', () => {
  it('keys assets by hostKey, users by userKey and indicators by type and lower-case value', () => {
    const snapshot = buildSnapshot(
      [{ host: 'FIN-WS-034.corp.example.com', criticality: 'high' }],
      [{ user: 'CORP\\JWilliams', name: 'Jennifer Williams' }],
      [
        { type: 'ip', value: '194.165.16[.]89', verdict: 'malicious' },
        { type: 'domain', value: 'WWW.Dropbox.com' },
        { type: 'nonsense', value: 'x' },
      ],
    );
    expect([...snapshot.assets.keys()]).toEqual(['fin-ws-034']);
    expect([...snapshot.users.keys()]).toEqual(['jwilliams']);
    expect([...snapshot.indicators.keys()]).toEqual(['ipv4#194.165.16.89', 'domain#www.dropbox.com']);
    expect(snapshot.indicators.get('ipv4#194.165.16.89')).toEqual({
      type: 'ipv4',
      value: '194.165.16.89',
      verdict: 'malicious',
    });
  });

  it('lets a later entry replace an earlier one', () => {
    const snapshot = buildSnapshot(
      [
        { host: 'a', criticality: 'low' },
        { host: 'A', criticality: 'critical' },
      ],
      [],
      [],
    );
    expect(snapshot.assets.get('a')?.criticality).toBe('critical');
  });
});

describe('indicatorKey', () => {
  it('gives the key enrichment looks indicators up by', () => {
    expect(indicatorKey('IP', '194.165.16[.]89')).toBe('ipv4#194.165.16.89');
    expect(indicatorKey('sha256', 'AB'.repeat(32))).toBe(`sha256#${'ab'.repeat(32)}`);
    expect(indicatorKey('file', 'C:\\Users\\Public\\x.exe')).toBe('file#c:\\users\\public\\x.exe');
    expect(indicatorKey('ip', 'nope')).toBeUndefined();
  });

  it('types a hash by its length when the feed’s type disagrees', () => {
    expect(normalizeIndicator({ type: 'md5', value: 'ab'.repeat(32) })).toEqual({
      type: 'sha256',
      value: 'ab'.repeat(32),
    });
  });
});
