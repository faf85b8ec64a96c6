// A free TCP port on loopback (tests, benchmark).
//
// Ports come from below Linux's ephemeral range (32768–60999) on purpose: a port the kernel hands
// out for `listen(0)` or for an outgoing connection can be taken again by another process between
// our check and the real bind — that is what made a stack started on "free" ports fail now and then
// on a busy CI machine. Below the range, only processes that ask for a number explicitly compete.
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;
const given = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (given.has(port)) continue;
    if (await canListen(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 attempts`);
}
