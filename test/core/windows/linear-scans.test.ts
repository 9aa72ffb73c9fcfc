import fc from 'fast-check';
import { hiddenWindowMatch } from '../../../lambdas/core/enrich/powershell';
import { trimUrl } from '../../../lambdas/core/enrich/text-indicators';
import { MAX_SCAN_CHARS, pathsInText } from '../../../lambdas/core/windows';
import type { ScanMeter } from '../../../lambdas/core/windows';

/**
 * Scans over alert text do a bounded amount of work per character, whatever the intruder writes. Nothing here is
 * timed: each scanner counts its steps, and the count must stay within a constant times the text's length. Each is
 * also checked against the regular expression it replaces, which found the same matches in quadratic time.
 */

// ---- the expressions the scanners replace (reference semantics) ----------------------------------------------

const EXT =
  'exe|dll|sys|scr|cpl|ocx|drv|com|pif|msi|msp|ps1|psm1|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|sct|inf|xsl|jar|lnk|bin|dat|tmp|txt';
const PATH_RE = new RegExp(
  String.raw`(?:[a-z]:\\|\\\\[^\\\s"'<>|]+\\|%[a-z_()0-9]+%\\|\.{1,2}\\)` +
    String.raw`[^"'<>|&\r\n*?\u2018\u2019\u201c\u201d]{0,260}?` +
    String.raw`\.(?:${EXT})(?![a-z0-9])`,
  'gi',
);

function oldTrimUrl(url: string): string {
  let u = url.replace(/[.,;:!?]+$/, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    while (u.endsWith(close) && u.split(open).length <= u.split(close).length - 1) u = u.slice(0, -1);
  }
  return u.replace(/[.,;:!?]+$/, '');
}

const prefixes = (word: string): string =>
  Array.from({ length: word.length }, (_, i) => word.slice(0, word.length - i)).join('|');
const HIDDEN_RE = new RegExp(
  `[-/\u2013\u2014\u2015](?:${prefixes('windowstyle')})\\s*[:\\s]\\s*["']?(?:${prefixes('hidden')}|1)(?![\\w-])`,
  'i',
);

// ---- hostile text ----------------------------------------------------------------------------------------------

/** Strings over an alphabet of the characters these scans react to, so random text is full of near misses. */
const near = (alphabet: string[], maxLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((cs) => cs.join(''));
const PATHISH = [
  'C',
  'c',
  ':',
  '\\',
  '.',
  '%',
  'a',
  '(',
  ')',
  '_',
  'e',
  'x',
  'd',
  'l',
  'j',
  's',
  ' ',
  '"',
  '|',
  '\n',
  '1',
];
const URLISH = ['.', ',', ';', ':', '!', '?', '(', ')', '[', ']', 'a', '/'];
const PSISH = ['-', '/', '\u2013', 'w', 'W', 'i', 'n', 'h', 'd', 'e', ' ', '\t', ':', '"', "'", '1', '_', 'x'];

/** A fragment repeated to fill the scan window: the shapes that made the old expressions quadratic. */
const repeated = (fragments: string[]) =>
  fc
    .tuple(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 400 }))
    .map(([parts, times]) => parts.join('').repeat(times).slice(0, MAX_SCAN_CHARS));

const steps = (run: (m: ScanMeter) => unknown): number => {
  const meter: ScanMeter = { steps: 0 };
  run(meter);
  return meter.steps;
};

describe('path scan', () => {
  it('finds exactly what the regular expression found', () => {
    fc.assert(
      fc.property(near(PATHISH, 120), (text) => {
        const expected = [...text.matchAll(PATH_RE)].map((m) => ({ path: m[0], index: m.index }));
        expect(pathsInText(text)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds real paths in command lines', () => {
    const text = 'rundll32 C:\\x\\a.dll,Start "\\\\srv\\share\\b.ps1" %APPDATA%\\c.exe ..\\d.jse .\\e.js2';
    expect(pathsInText(text).map((p) => p.path)).toEqual([
      'C:\\x\\a.dll',
      '\\\\srv\\share\\b.ps1',
      '%APPDATA%\\c.exe',
      '..\\d.jse',
    ]);
  });

  it('takes at most 8 steps per character of the scan window, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          near(PATHISH, 2000),
          repeated(['C:\\', '\\\\a', '\\\\a\\', '%a%\\', '.\\', '..\\', 'a', '.', '.ex', ' ', '"']),
        ),
        (text) => {
          expect(steps((m) => pathsInText(text, m))).toBeLessThanOrEqual(8 * Math.min(text.length, MAX_SCAN_CHARS) + 8);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads no further than the scan window', () => {
    const text = 'C:\\'.repeat(1_000_000);
    expect(steps((m) => pathsInText(text, m))).toBeLessThanOrEqual(8 * MAX_SCAN_CHARS);
  });
});

describe('URL trimming', () => {
  it('trims exactly what the old trimming trimmed', () => {
    fc.assert(
      fc.property(near(URLISH, 60), (tail) => {
        const url = `http://a.example/${tail}`;
        expect(trimUrl(url)).toBe(oldTrimUrl(url));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes at most 4 steps per character, even on 2,048 closing brackets or dots', () => {
    fc.assert(
      fc.property(fc.oneof(near(URLISH, 2048), repeated([')', '.', ']', '(', ')).', '?!'])), (tail) => {
        const url = `http://a.example/${tail}`;
        expect(steps((m) => trimUrl(url, m))).toBeLessThanOrEqual(4 * url.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PowerShell hidden window', () => {
  it('finds exactly what the regular expression found', () => {
    fc.assert(
      fc.property(near(PSISH, 40), (text) => {
        expect(hiddenWindowMatch(text)).toBe(HIDDEN_RE.exec(text)?.[0]);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['powershell -WindowStyle Hidden -c x', '-WindowStyle Hidden'],
    ['powershell /w:1 x', '/w:1'],
    ["pwsh \u2013win  :  'hid' -c", "\u2013win  :  'hid"],
    ['powershell -w normal', undefined],
    ['powershell -windowstyles hidden', undefined],
    ['powershell -w hiddenx', undefined],
  ])('reads %j', (text, expected) => {
    expect(hiddenWindowMatch(text)).toBe(expected);
  });

  it('takes at most 20 steps per character, even on 32 KiB of whitespace after a switch', () => {
    fc.assert(
      fc.property(fc.oneof(near(PSISH, 2000), repeated(['-w', ' ', '\t', ':', '-w ', '-windowstyle', '"'])), (text) => {
        expect(steps((m) => hiddenWindowMatch(text, m))).toBeLessThanOrEqual(20 * text.length + 20);
      }),
      { numRuns: 300 },
    );
  });
});
