/**
 * Tests that need PostgreSQL, Redis or NATS skip with the reason on a machine that lacks them;
 * with PINKSEA_REQUIRE_SERVICES=1 (.ci/run sets it) a missing service fails the test instead.
 */
import net from 'node:net';
import { servicesRequired } from '../../config/config';

export { testServiceUrls as serviceUrls } from '../../config/config';

/** Resolves when something listens at the URL's host and port; rejects after `timeoutMs`. */
export function reachable(url: string, timeoutMs = 1500): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`nothing answered at ${hostname}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Undefined when the service answers; otherwise the reason to skip. Throws instead when services
 * are required, so CI fails rather than passing with a skipped test.
 */
export async function missingService(name: string, url: string): Promise<string | undefined> {
  try {
    await reachable(url);
    return undefined;
  } catch (error) {
    const reason = `${name} is not reachable at ${new URL(url).host} (${(error as Error).message})`;
    if (servicesRequired()) throw new Error(`${reason}; PINKSEA_REQUIRE_SERVICES=1 makes this a failure`, { cause: error });
    return reason;
  }
}
