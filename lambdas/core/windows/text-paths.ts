/**
 * Windows paths inside free text: command lines, registry value data, task actions. Bounded so hostile input
 * cannot make a scan expensive.
 */

/** Longest path we look for inside free text (MAX_PATH); also bounds regex work on hostile input. */
const MAX_PATH_CHARS = 260;

/**
 * Characters Windows path fields are capped at before we scan them. Sysmon command lines stop at 32 KiB; anything
 * longer is truncated for scanning only (the alert keeps the whole value).
 */
export const MAX_SCAN_CHARS = 32 * 1024;

/** The part of a text that is scanned: at most `MAX_SCAN_CHARS`. */
export function forScan(text: string): string {
  return text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
}

/** Extensions of files a LOLBin or script host can be asked to run. */
const PAYLOAD_EXTENSIONS =
  'exe|dll|sys|scr|cpl|ocx|drv|com|pif|msi|msp|ps1|psm1|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|sct|inf|xsl|jar|lnk|bin|dat|tmp|txt';

/**
 * Absolute (`C:\…`), UNC (`\\host\share\…`), environment-variable and relative (`.\x.dll`) paths, each ending in a
 * file extension. The lazy body stops at the first extension, so `rundll32 C:\x\a.dll,Start` yields `C:\x\a.dll`.
 */
const PATH_IN_TEXT = new RegExp(
  String.raw`(?:[a-z]:\\|\\\\[^\\\s"'<>|]+\\|%[a-z_()0-9]+%\\|\.{1,2}\\)` +
    String.raw`[^"'<>|&\r\n*?\u2018\u2019\u201c\u201d]{0,${MAX_PATH_CHARS}}?` +
    String.raw`\.(?:${PAYLOAD_EXTENSIONS})(?![a-z0-9])`,
  'gi',
);

/** A path found in text, as written, and where it starts. */
export interface PathInText {
  path: string;
  index: number;
}

/** Windows paths in a text, in order of appearance (the first `MAX_SCAN_CHARS` characters are scanned). */
export function pathsInText(text: string): PathInText[] {
  return [...forScan(text).matchAll(PATH_IN_TEXT)].map((m) => ({ path: m[0], index: m.index }));
}
