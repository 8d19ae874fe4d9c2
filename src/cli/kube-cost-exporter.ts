#!/usr/bin/env node
// Entry point of the `kube-cost-exporter` command. Exit codes: 0 ok, 1 runtime failure,
// 2 bad configuration or usage.
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { ConfigError, InputError } from '../core/errors.ts';
import { createLogger } from '../server/log.ts';
import { loadServeConfig, parseArgs, serveHelp } from './config.ts';
import { startServer } from './serve.ts';

// src/cli/ and dist/cli/ are both two levels below the package root.
const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  if (argv[0] === 'agent') {
    // The node agent has its own options (src/agent/config.ts); loaded only when asked for.
    const { agentMain } = await import('../agent/main.ts');
    return agentMain(argv.slice(1), env, VERSION);
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`kube-cost-exporter: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.version || args.command === 'version') {
    process.stdout.write(`kube-cost-exporter ${VERSION}\n`);
    return 0;
  }
  if (args.help || args.command === 'help') {
    process.stdout.write(serveHelp(VERSION));
    return 0;
  }

  let config: ReturnType<typeof loadServeConfig>;
  try {
    config = loadServeConfig(args, env);
  } catch (err) {
    process.stderr.write(`kube-cost-exporter: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, logger, VERSION, { env });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof InputError) {
      logger.error(err.message);
      return 2;
    }
    logger.error('failed to start', { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) {
        // A second signal (an impatient operator, or the kubelet's SIGKILL warning): stop now.
        logger.warn(`received ${signal} again; exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`received ${signal}; shutting down`, { timeout: `${config.shutdownTimeoutMs / 1000}s` });
      // Within the pod's grace period (30 s by default): whatever is still open then is abandoned.
      const deadline = setTimeout(() => {
        logger.error(`shutdown did not finish within ${config.shutdownTimeoutMs / 1000}s (--shutdown-timeout); exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs);
      deadline.unref();
      server.close().then(
        () => {
          clearTimeout(deadline);
          logger.info('stopped');
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(deadline);
          logger.error('error during shutdown', { error: err instanceof Error ? err.message : String(err) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}

// isMainThread: never run the exporter in a worker thread (the history store's worker has its own
// entry, src/store/sqlite-worker.ts).
if (import.meta.main && isMainThread) {
  main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
