import { parse } from 'tldts';
import {
  CORE_PROCESSES,
  WINDOWS_BINARIES,
  baseKey,
  hasFolder,
  isInstalledLocation,
  isMicrosoftSecurityPath,
  isMicrosoftUserInstall,
  isStockWindowsBinary,
  pathsInText,
} from '../windows';
import { mimicsWindows } from './heuristics';
import { isPopularDomain } from './popular-services';
import { oneEditApart } from './one-edit';

/**
 * Look-alike names: a file, task, service or domain named to pass for Windows, Microsoft or a well-known service
 * while being something else. Three shapes: a stock Windows binary's name in the wrong folder
 * (`C:\Windows\Tasks\svchost.exe`); a name one typo or one look-alike character away from a stock binary
 * (`svch0st.exe`, `scvhost.exe`); a Microsoft name on a task or service that runs something Microsoft does not
 * install there (`OneDrive Reporting Task-S-1-5-21-…` running a script in Public); and a domain that dresses up a
 * well-known one (`azureedge-cdn.net` beside `azureedge.net`, `micros0ft.com`). What Windows ships and where comes
 * from `core/windows`, the well-known domains from `popular-services`: no list is kept here.
 */

export interface LookAlike {
  /** The name as written. */
  value: string;
  /** What it imitates: `svchost.exe`, `azureedge.net`, `OneDrive`. */
  resembles: string;
  /** Why, in a few words: `one character from a Windows program`, `a well-known domain with its name altered`. */
  reason: string;
  /** For a task, service or Run value: the file it runs that Microsoft does not install there. */
  runs?: string;
}

/** Characters swapped in for letters they resemble, and letter pairs that read as one letter. */
const HOMOGLYPHS: readonly [RegExp, string][] = [
  [/0/g, 'o'],
  [/1/g, 'l'],
  [/3/g, 'e'],
  [/5/g, 's'],
  [/@/g, 'a'],
  [/rn/g, 'm'],
  [/vv/g, 'w'],
];

/** A name with look-alike characters read as the letters they imitate (`svch0st` → `svchost`). */
export function unHomoglyph(name: string): string {
  let s = name.toLowerCase();
  for (const [re, to] of HOMOGLYPHS) s = s.replace(re, to);
  return s;
}

/** Stems shorter than this are left alone: `at`, `sc`, `net` are one letter from too many real programs. */
const MIN_TYPO_STEM = 5;

const STOCK_STEMS: readonly string[] = [...WINDOWS_BINARIES].map((n) => n.replace(/\.exe$/, ''));

/**
 * A file named like a stock Windows binary: a core process's name (svchost, lsass, explorer…) outside the folder
 * Windows keeps it in, or a name one typo or look-alike character away from a stock binary. A bare name (no folder) is judged on the name only.
 *
 * @example
 * lookAlikeFile('C:\\Users\\Public\\svch0st.exe') // { resembles: 'svchost.exe', reason: 'look-alike characters' }
 */
export function lookAlikeFile(path: string): LookAlike | undefined {
  const name = baseKey(path);
  if (!name.endsWith('.exe')) return undefined;
  if (WINDOWS_BINARIES.has(name)) {
    // Only the core processes: `curl.exe` or `tar.exe` under Program Files is someone's own build, not an impostor.
    if (!CORE_PROCESSES.has(name) || !hasFolder(path) || isStockWindowsBinary(path)) return undefined;
    return { value: path, resembles: name, reason: 'a Windows program name outside the folder Windows keeps it in' };
  }
  const stem = name.slice(0, -4);
  const plain = unHomoglyph(stem);
  if (plain !== stem && STOCK_STEMS.includes(plain)) {
    return { value: path, resembles: `${plain}.exe`, reason: 'look-alike characters in a Windows program name' };
  }
  if (stem.length >= MIN_TYPO_STEM) {
    const near = STOCK_STEMS.find((s) => s.length >= MIN_TYPO_STEM && oneEditApart(stem, s));
    if (near !== undefined)
      return { value: path, resembles: `${near}.exe`, reason: 'one character from a Windows program' };
  }
  return undefined;
}

/** Microsoft products whose names tasks and services borrow, and where their own binaries live. */
const MICROSOFT_PRODUCTS: readonly { name: string; re: RegExp }[] = [
  { name: 'OneDrive', re: /one\s*drive/i },
  { name: 'Microsoft Edge', re: /\bedge\s*update|microsoftedge/i },
  { name: 'Microsoft Office', re: /\boffice\b/i },
  { name: 'Microsoft Teams', re: /\bteams\b/i },
  { name: 'Windows Defender', re: /defender/i },
  { name: 'Windows Update', re: /windows\s*update|wuauserv/i },
];

/** Where Microsoft's own scheduled tasks and services run their programs from. */
function microsoftLocation(path: string): boolean {
  return isInstalledLocation(path) || isMicrosoftSecurityPath(path) || isMicrosoftUserInstall(path);
}

/**
 * A task or service named like Microsoft's own (`OneDrive Reporting Task-S-1-5-21-…`, `WindowsUpdateHelper`) whose
 * command runs a file outside the places Microsoft installs to. The same name running Microsoft's own binary is the
 * real thing and is not flagged; a command with no file path to judge is not flagged either.
 *
 * @example
 * lookAlikeTask('OneDrive Reporting Task-S-1-5-21-1', 'C:\\Users\\Public\\od.vbs') // resembles 'OneDrive'
 */
export function lookAlikeTask(name: string, command: string | undefined): LookAlike | undefined {
  if (command === undefined) return undefined;
  const leaf = name.slice(name.lastIndexOf('\\') + 1);
  const product = MICROSOFT_PRODUCTS.find((p) => p.re.test(leaf));
  if (product === undefined && !mimicsWindows(leaf)) return undefined;
  const outside = pathsInText(command).find(({ path }) => !microsoftLocation(path));
  if (outside === undefined) return undefined;
  return {
    value: name,
    resembles: product?.name ?? 'a Windows component',
    reason: `named like ${product?.name ?? 'Windows'} but runs a file outside the places Microsoft installs to`,
    runs: outside.path,
  };
}

/** Words squatters hyphenate onto a brand (`azureedge-cdn`, `microsoft-login`, `update-windows`). */
const FILLER: ReadonlySet<string> = new Set(
  'account accounts api app auth cdn cloud secure security login signin sso verify update updates support service services online web www static files file dl download downloads portal mail host edge net live my official'.split(
    ' ',
  ),
);

/** Label variants that could be the real one: hyphen parts, hyphens dropped, look-alikes read, one letter dropped. */
function labelCandidates(label: string): string[] {
  const out = new Set<string>();
  const parts = label.split('-');
  if (parts.length > 1) {
    out.add(parts.join(''));
    // `azureedge-cdn`: a brand plus filler; `google-analytics` is a brand's own second name and stays.
    const brands = parts.filter((p) => !FILLER.has(p));
    if (brands.length === 1 && brands[0].length >= 3) out.add(brands[0]);
  }
  const plain = unHomoglyph(label);
  if (plain !== label) out.add(plain);
  // Doubled or inserted letters (`microsofft`): every one-letter deletion, bounded by the label's length (≤ 63).
  if (label.length >= 6) for (let i = 0; i < label.length; i++) out.add(label.slice(0, i) + label.slice(i + 1));
  out.delete(label);
  return [...out];
}

/**
 * A domain dressed up as a well-known one: a registrable name that becomes a well-known domain with a hyphenated
 * part dropped (`azureedge-cdn.net` → `azureedge.net`), look-alike characters read (`micros0ft.com`) or a doubled
 * letter removed; or a well-known domain put in front of another (`login.microsoftonline.com.evil.example`). A
 * well-known domain itself is never a look-alike.
 *
 * @example
 * lookAlikeDomain('cdn.azureedge-cdn.net') // { resembles: 'azureedge.net', … }
 */
export function lookAlikeDomain(domain: string): LookAlike | undefined {
  const host = domain.trim().replace(/\.$/, '').toLowerCase();
  if (host === '' || host.length > 253 || isPopularDomain(host)) return undefined;
  const parsed = parse(host, { extractHostname: false });
  const label = parsed.domainWithoutSuffix;
  const suffix = parsed.publicSuffix;
  if (label === null || label === '' || suffix === null) return undefined;
  for (const c of labelCandidates(label)) {
    for (const s of distinctSuffixes(suffix)) {
      const candidate = `${c}.${s}`;
      if (isPopularDomain(candidate)) {
        return { value: domain, resembles: candidate, reason: 'a well-known domain with its name altered' };
      }
    }
  }
  // `login.microsoftonline.com.evil.example`: the well-known name is only the start of the host.
  const labels = host.split('.');
  const registrable = parsed.domain ?? '';
  for (let i = 0; i < labels.length - 1; i++) {
    const tail = labels.slice(i, labels.length - registrable.split('.').length).join('.');
    if (tail.includes('.') && isPopularDomain(tail)) {
      return { value: domain, resembles: tail, reason: `a well-known domain in front of ${registrable}` };
    }
  }
  return undefined;
}

function distinctSuffixes(suffix: string): string[] {
  return [...new Set([suffix, 'com', 'net'])];
}
