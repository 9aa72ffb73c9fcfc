export default async function globalTeardown() {
  await globalThis.__A2T_FAUXQS__?.stop();
}
