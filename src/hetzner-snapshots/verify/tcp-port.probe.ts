// Does a TCP port answer? One connection attempt with a timeout; the drill calls it until a deadline, since a
// freshly booted server starts its services a little after Hetzner reports it `running`.
import * as net from 'node:net';

export type TcpProbe = (opts: { host: string; port: number; timeoutMs: number }) => Promise<boolean>;

export const TCP_PROBE = Symbol('TCP_PROBE');

export const probeTcpPort: TcpProbe = ({ host, port, timeoutMs }) =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
