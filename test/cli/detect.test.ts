import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { detectCommand } from '../../cli/commands/detect';
import { rulesCheckCommand } from '../../cli/commands/rules';
import { main } from '../../bin/a2t';

const FIXTURE = path.resolve(__dirname, '..', 'core', 'detect', 'fixtures', 'certutil-three-sensors.ndjson');
const DIRECT_IP = '13e6fe51-d478-4c7e-b0f2-6da9b400a829';
const CERTUTIL = '19b08b1c-861d-4e75-a1ef-ea0c1baf202b';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

interface Line {
  file: string;
  record: number;
  alertId: string;
  matches: { id: string; title: string; level: string; tags: string[]; author: string }[];
}

describe('a2t detect', () => {
  it('prints one JSON line per event: one attack seen by Sysmon, Security 4688 and an EDR names the same rules', async () => {
    const out = capture();
    const err = capture();
    const s = await detectCommand([FIXTURE], { json: true }, out.stream, err.stream);
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => [l.file, l.record, l.alertId])).toEqual([
      [FIXTURE, 0, 'sysmon:fin-ws-07:microsoft-windows-sysmon/operational:90211'],
      [FIXTURE, 1, 'winevt:fin-ws-07:security:512301'],
      [FIXTURE, 2, 'generic:EDR-CERTUTIL-6712'],
    ]);
    for (const l of lines) {
      expect(l.matches.map((m) => m.id)).toEqual([DIRECT_IP, CERTUTIL]);
      expect(Object.keys(l.matches[0]!)).toEqual(['id', 'title', 'level', 'tags', 'author']);
    }
    expect(lines[0]!.matches[0]).toEqual({
      id: DIRECT_IP,
      title: 'Suspicious File Downloaded From Direct IP Via Certutil.EXE',
      level: 'high',
      tags: ['attack.stealth', 'attack.t1027', 'attack.command-and-control', 'attack.t1105'],
      author: 'Nasreddine Bencherchali (Nextron Systems)',
    });
    const errLines = err.text().trim().split('\n');
    expect(JSON.parse(errLines[0]!)).toMatchObject({ rejected: true, position: 'line 4' });
    expect(errLines.at(-1)).toMatch(
      /^a2t detect: 1 file\(s\), 3 event\(s\), 3 with matches, 1 rejection\(s\); \d+ rule/,
    );
    expect(s).toMatchObject({ files: 1, events: 3, withMatches: 3, rejected: 1 });
  });

  it('prints one line per match, naming the rule author', async () => {
    const out = capture();
    await detectCommand([FIXTURE], {}, out.stream, capture().stream);
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      `${FIXTURE}:0  sysmon:fin-ws-07:microsoft-windows-sysmon/operational:90211  high  ` +
        'Suspicious File Downloaded From Direct IP Via Certutil.EXE (Nasreddine Bencherchali (Nextron Systems))',
    );
  });

  it('runs no disabled rule and no rule below the minimum level', async () => {
    const out = capture();
    await detectCommand(
      [FIXTURE],
      { json: true, disable: [DIRECT_IP], minLevel: 'medium' },
      out.stream,
      capture().stream,
    );
    const first = JSON.parse(out.text().split('\n')[0]!) as Line;
    expect(first.matches.map((m) => m.id)).toEqual([CERTUTIL]);
    const high = capture();
    await detectCommand([FIXTURE], { json: true, minLevel: 'high' }, high.stream, capture().stream);
    expect((JSON.parse(high.text().split('\n')[0]!) as Line).matches.map((m) => m.id)).toEqual([DIRECT_IP]);
  });

  describe('with user rules', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-cli-rules-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const userRule = (selection: string): string =>
      [
        'title: Public folder payload',
        'id: 7a0c3f5e-5b1d-4c8e-9f2a-0d1e2f3a4b5c',
        'status: experimental',
        'author: CORP SOC',
        'level: critical',
        'logsource: { product: windows, category: process_creation }',
        'detection:',
        '    selection:',
        `        ${selection}`,
        '    condition: selection',
      ].join('\n');

    it('runs them beside the SigmaHQ pack', async () => {
      fs.writeFileSync(path.join(dir, 'public.yml'), userRule("CommandLine|contains: '\\Users\\Public\\'"));
      const out = capture();
      await detectCommand([FIXTURE], { json: true, rules: [dir] }, out.stream, capture().stream);
      const first = JSON.parse(out.text().split('\n')[0]!) as Line;
      expect(first.matches[0]).toMatchObject({ id: '7a0c3f5e-5b1d-4c8e-9f2a-0d1e2f3a4b5c', author: 'CORP SOC' });
    });

    it('exits 2 with one line naming the file and the field for an invalid rule', async () => {
      fs.writeFileSync(path.join(dir, 'bad.yml'), userRule("CommandLine|endswiht: 'x'"));
      const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await main(['node', 'a2t', 'detect', '--rules', dir, FIXTURE])).toBe(2);
        expect(write).toHaveBeenCalledWith(
          `a2t: ${path.join(dir, 'bad.yml')}: detection.selection.CommandLine|endswiht: unknown modifier 'endswiht'\n`,
        );
        expect(stdout).not.toHaveBeenCalled();
        expect(await main(['node', 'a2t', 'rules', 'check', dir])).toBe(2);
      } finally {
        write.mockRestore();
        stdout.mockRestore();
      }
    });
  });

  it('streams a file larger than a message: every record in order, rejections at their line in the file', async () => {
    // Prepare: the fixture's three events (its first lines; the last one is cut off) repeated past 1 MiB, with a
    // broken line in the middle.
    const events = fs.readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 3);
    const lines: string[] = [];
    for (let size = 0, i = 0; size < 1.5 * 1024 * 1024; i++) {
      lines.push(events[i % events.length]!);
      size += events[i % events.length]!.length + 1;
    }
    const broken = Math.floor(lines.length / 2);
    lines.splice(broken, 0, '{"EventID": 1, "Channel": "cut off');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-detect-big-'));
    const file = path.join(dir, 'big.ndjson');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const out = capture();
    const err = capture();
    try {
      // Act
      const s = await detectCommand([file], { json: true }, out.stream, err.stream);
      // Assess: one line per good record, numbered from 0 in file order; the broken one named by its own line.
      const printed = out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      expect(s.events).toBe(lines.length - 1);
      expect(printed.map((l) => l.record)).toEqual(printed.map((_, i) => i));
      expect(printed.every((l) => l.matches.length > 0)).toBe(true);
      const rejections = err
        .text()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { position: string });
      expect(rejections.map((r) => r.position)).toEqual([`line ${broken + 1}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for a bad level and 1 for a missing input', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'a2t', 'detect', '--min-level', 'severe', FIXTURE])).toBe(2);
      expect(await main(['node', 'a2t', 'detect', '/no/such/file'])).toBe(1);
    } finally {
      write.mockRestore();
    }
  });
});

describe('a2t rules check', () => {
  it('counts the builtin pack by status, level and logsource: every rule compiles', () => {
    const out = capture();
    const r = rulesCheckCommand(undefined, {}, out.stream);
    expect(r).toMatchObject({ rules: 2535, compiled: 2535, unsupported: {}, invalid: [] });
    expect(r.byLogsource['windows/process_creation']).toBe(1241);
    expect(r.unreachable).toEqual({ 'windows/file_access': 13, 'windows/file_rename': 2 });
    const text = out.text();
    expect(text.split('\n')[0]).toBe('sigma-windows: 2535 rule(s), 2535 compiled, 0 unsupported, 0 invalid');
    expect(text).toMatch(/^status: test \d+, experimental 172, stable \d+$/m);
    expect(text).toMatch(/^level: critical \d+, high \d+, medium \d+, low \d+, informational \d+$/m);
  });
});
