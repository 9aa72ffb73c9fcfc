import { startJiraEmulator } from '../../lambdas/local/jira-emulator';
import { normalizeInput } from '../../lambdas/core/formats';
it('t', async () => {
  for (let i = 0; i < 4; i++) {
    const t = Date.now();
    const j = await startJiraEmulator({});
    console.log('start', Date.now() - t);
    await j.close();
  }
  console.log(JSON.stringify(normalizeInput('{"hello":"world"}\n{"alert_id": "x", "host": "H"\n{"alert_id":"L-1","timestamp":"2024-03-01T10:00:00Z","host":"LAB-VM-01","rule":"Unsigned binary executed","severity":10}\n{"alert_id":"L-1","timestamp":"2024-03-01T10:00:00Z","host":"LAB-VM-01","rule":"Unsigned binary executed","severity":10}', 's', {}), null, 1).slice(0, 3000));
});
