import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messagesOf, streamedMessages } from '../../../cli/commands/replay';
import { readInputs } from '../../../cli/inputs';
import { normalizeStreamed, streamInputs } from '../../../cli/stream/records';
import { normalizeInput } from '../../../lambdas/core/formats';

const FIXTURE = path.resolve(__dirname, '..', '..', 'core', 'detect', 'fixtures', 'certutil-three-sensors.ndjson');
const RECEIVED = '2026-03-04T12:00:00.000Z';

/** A folder with a small export, a README and an export past 1 MiB with a broken line in its middle. */
function inputsDir(): { dir: string; big: string; small: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-stream-records-'));
  const events = fs.readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 3);
  const lines: string[] = [];
  for (let size = 0, i = 0; size < 1.5 * 1024 * 1024; i++) {
    lines.push(events[i % events.length]!);
    size += events[i % events.length]!.length + 1;
  }
  lines.splice(Math.floor(lines.length / 2), 0, '{"EventID": 1, "Channel": "cut off');
  const big = path.join(dir, 'big.ndjson');
  fs.writeFileSync(big, `${lines.join('\n')}\n`);
  const small = path.join(dir, 'small.ndjson');
  fs.copyFileSync(FIXTURE, small);
  fs.writeFileSync(path.join(dir, 'README.md'), '# not alerts\n');
  return { dir, big, small };
}

const shape = (r: { source: string; position: string; reason: string }) => [r.source, r.position, r.reason];

describe('inputs read as streams, by the commands that read every record', () => {
  it('gives replay the messages it made of whole files: small files whole, large ones a record per message', async () => {
    const { dir } = inputsDir();
    try {
      // Act
      const skippedStreamed: string[] = [];
      const skippedWhole: string[] = [];
      const streamed = await streamedMessages([dir], (f) => skippedStreamed.push(f));
      const whole = messagesOf(await readInputs([dir], process.stdin, (f) => skippedWhole.push(f)));
      // Assess
      expect(streamed.bodies.length).toBeGreaterThan(1000);
      expect(streamed.bodies).toEqual(whole.bodies);
      expect(streamed.rejections.map(shape)).toEqual(whole.rejections.map(shape));
      expect(skippedStreamed).toEqual(skippedWhole);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives draft one unit per file with the alerts and rejections normalizing the whole file gave', async () => {
    const { dir, big, small } = inputsDir();
    try {
      const s = streamInputs([dir]);
      for (const file of [small, big]) {
        // Act
        const unit = await normalizeStreamed(
          s,
          s.refs.find((r) => r.source === file)!,
          { receivedTime: RECEIVED },
        );
        const whole = normalizeInput(fs.readFileSync(file), file, { receivedTime: RECEIVED });
        // Assess
        expect(unit.messageId).toBe(file);
        expect(unit.alerts).toEqual(whole.alerts);
        expect(unit.rejections.map(shape).sort()).toEqual(whole.rejections.map(shape).sort());
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
