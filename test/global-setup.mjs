// fauxqs (the local SQS server) is ESM-only and ts-jest runs CommonJS: start it here, once, for every test file,
// and hand its endpoint to the workers through the environment.
import { startFauxqs } from 'fauxqs';

export default async function globalSetup() {
  const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  globalThis.__A2T_FAUXQS__ = server;
  process.env.A2T_LOCAL_SQS_ENDPOINT = server.address;
}
