/**
 * One Windows vocabulary for every stage: path forms and their normalization, folder classes (who can write
 * where), stock binaries by full path, and the kinds of program (shells, LOLBins, Office, browsers, system
 * ancestors). Pure data and functions.
 */
export {
  UNKNOWN_USER,
  baseKey,
  baseName,
  displayPath,
  extensionOf,
  folderKey,
  hasFolder,
  normalizePath,
  resolvePath,
  samePath,
} from './paths';
export type { ResolvedPath } from './paths';
export {
  WRITABLE_WINDOWS_FOLDERS,
  folderClass,
  isInstalledLocation,
  isProgramFiles,
  isSystemFolder,
  isUserWritable,
  isWindowsFolder,
} from './folders';
export type { FolderClass } from './folders';
export {
  BINARY_EXTENSIONS,
  BROWSERS,
  CORE_PROCESSES,
  LOLBINS,
  MAIL_CLIENTS,
  OFFICE_APPS,
  POWERSHELL,
  PROXY_EXECUTION_LOLBINS,
  SCRIPT_HOSTS,
  SHELLS,
  SYSTEM_ANCESTORS,
  WINDOWS_BINARIES,
  isInstalledBinary,
  isMicrosoftSecurityPath,
  isMicrosoftUserInstall,
  isStockWindowsBinary,
  isSystemAncestor,
  isTrustedImage,
} from './binaries';
export { MAX_SCAN_CHARS, forScan, pathsInText } from './text-paths';
export type { PathInText, ScanMeter } from './text-paths';
