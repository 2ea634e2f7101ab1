/**
 * A client that closes a download before its end (a closed tab, a cancelled save) is normal, yet
 * moleculer-web warns about each one with a stack ("Stream got an error."). This has the gateway's
 * logger say it at debug instead, and passes every other warning on as it was.
 */
import type { Logger } from 'moleculer';

/** What a stream's error code is when the other end went away. */
const CLIENT_GONE: ReadonlySet<string> = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/** moleculer-web's warning when piping a stream answer fails (src/index.js, sendResponse). */
const STREAM_WARNING = 'Stream got an error.';

export function quietClosedDownloads(logger: Logger): void {
  const warn = logger.warn.bind(logger);
  logger.warn = (...args: unknown[]) => {
    const details = args[1] as { err?: { code?: unknown }; url?: unknown } | undefined;
    if (args[0] === STREAM_WARNING && CLIENT_GONE.has(String(details?.err?.code))) {
      logger.debug(`The client closed ${String(details?.url)} before its end`);
      return;
    }
    warn(...args);
  };
}
