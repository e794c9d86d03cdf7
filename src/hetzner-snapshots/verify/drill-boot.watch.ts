// A drill's wait for its server: the create action and then the server polled until it runs (growing waits, a
// deadline), then optionally a knock on a TCP port. One request per look; the caller's signal stops the waiting.
import type { Clock } from '../../clock/clock';
import type { HcloudAction, HcloudClient, HcloudServer } from '../hcloud';
import { DrillError } from './drill.error';
import type { TcpProbe } from './tcp-port.probe';

/** A server from a snapshot that is not `running` within this is a failed drill. */
export const DRILL_BOOT_DEADLINE_MS = 10 * 60_000;
/** How long the port may take to answer after the server runs. */
export const DRILL_PORT_DEADLINE_MS = 2 * 60_000;
const PORT_ATTEMPT_TIMEOUT_MS = 5_000;
const POLL_MAX_MS = 10_000;

/** Polls the create action and then the server until it is `running`; one request per look, growing waits. */
export async function waitUntilRunning(
  watch: { client: HcloudClient; clock: Clock; signal: AbortSignal },
  id: number,
  action: HcloudAction,
): Promise<HcloudServer> {
  const { client, clock, signal } = watch;
  const started = clock.now().getTime();
  let current = action;
  for (let poll = 0; ; poll++) {
    if (current.status === 'running') {
      current = await client.getAction(current.id, signal);
    }
    if (current.status === 'error')
      throw new DrillError(
        'refused',
        `Hetzner could not create the server from the snapshot: ${current.error?.message ?? 'the action failed'}.`,
      );
    if (current.status === 'success') {
      const server = await client.getServer(id);
      if (server.status === 'running') return server;
    }
    if (clock.now().getTime() - started >= DRILL_BOOT_DEADLINE_MS)
      throw new DrillError(
        'refused',
        `The server made from the snapshot was not running after ${DRILL_BOOT_DEADLINE_MS / 60_000} minutes.`,
      );
    await clock.sleep(Math.min(POLL_MAX_MS, 1000 * 2 ** poll), signal);
  }
}

/** Knocks on the port of the server's public IPv4 until it answers or DRILL_PORT_DEADLINE_MS has passed. */
export async function knockOnPort(
  watch: { clock: Clock; signal: AbortSignal; probe: TcpProbe },
  server: HcloudServer,
  port: number,
): Promise<boolean> {
  const { clock, signal, probe } = watch;
  const host = server.public_net.ipv4?.ip;
  if (!host) return false;
  const started = clock.now().getTime();
  for (;;) {
    if (await probe({ host, port, timeoutMs: PORT_ATTEMPT_TIMEOUT_MS })) return true;
    if (clock.now().getTime() - started >= DRILL_PORT_DEADLINE_MS) return false;
    await clock.sleep(10_000, signal);
  }
}
