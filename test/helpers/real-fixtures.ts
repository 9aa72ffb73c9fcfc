import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The published vendor and lab samples the tests read (provenance and licenses: test/fixtures/real/SOURCES.md).
 * Most are copied into the repository. A few have no license that lets us redistribute them: those stay in the shared
 * corpus beside the clone, and a test that needs one fails, saying so, when it is missing; no test skips.
 */

/** The samples copied into the repository. */
export const REAL_DIR = path.resolve(__dirname, '..', 'fixtures', 'real');

/** The shared corpus the uncopied samples are read from: beside the clone, or where A2T_SHARED_FIXTURES says. */
export const SHARED_REAL_DIR = path.resolve(
  process.env.A2T_SHARED_FIXTURES ?? path.join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'real'),
);

/** The samples read from the shared corpus only, each with why it is not in the repository. */
export const SHARED_ONLY: Readonly<Record<string, string>> = {
  'jymcheong-sysmonresources/schtasksPersistence.xml': 'jymcheong/SysmonResources has no license',
  'jymcheong-sysmonresources/Excel DDE launch calculator eventlog.txt': 'jymcheong/SysmonResources has no license',
  'ocsf-examples/1116.xml': 'ocsf/examples has no license',
  'ocsf-examples/Security Hub.ocsf': 'ocsf/examples has no license',
  'ocsf-examples/Security Hub.raw': 'ocsf/examples has no license',
  'ocsf-examples/detection_finding.ocsf': 'ocsf/examples has no license',
  'ocsf-examples/malware_infection_detected_sample.json': 'ocsf/examples has no license',
  'ocsf-examples/prowler.ocsf': 'ocsf/examples has no license',
  'ocsf-examples/sechub-guardduty.ocsf': 'ocsf/examples has no license',
  'ocsf-examples/sechub-guardduty.raw': 'ocsf/examples has no license',
  'elastic-endpoint-package/sample_event.json': 'the Elastic License 2018 forbids redistribution',
  'elastic-beats/sysmon-11-registry.evtx.golden.json':
    "x-pack's Elastic License (2018 or 2.0) was not confirmed for the commit it came from",
};

/**
 * The absolute path of a sample, by its path under fixtures/real (`dir/file`): in the repository, or in the shared
 * corpus for the uncopied ones. Throws, naming the sample and where it was looked for, when it is not there.
 */
export function realFixture(rel: string): string {
  const why = SHARED_ONLY[rel];
  const file = path.join(why === undefined ? REAL_DIR : SHARED_REAL_DIR, rel);
  if (fs.existsSync(file)) return file;
  if (why === undefined) throw new Error(`real fixture ${rel} is missing from ${REAL_DIR} (see SOURCES.md there)`);
  throw new Error(
    `real fixture ${rel} is not in the repository (${why}): the tests read it from ${SHARED_REAL_DIR}, ` +
      'which does not have it. Put the shared fixtures there (test/fixtures/real/SOURCES.md lists them).',
  );
}

/** Every sample under fixtures/real (`dir/file`, sorted): the repository's and the shared-only ones. */
export function allRealFixtures(): string[] {
  const own = fs
    .readdirSync(REAL_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(REAL_DIR, d.name)).map((f) => `${d.name}/${f}`));
  return [...own, ...Object.keys(SHARED_ONLY)].sort();
}

/** The samples copied into the repository (`dir/file`, sorted): always present. */
export function ownRealFixtures(): string[] {
  return allRealFixtures().filter((rel) => SHARED_ONLY[rel] === undefined);
}
