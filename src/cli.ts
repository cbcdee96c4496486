#!/usr/bin/env node
// The `precedence` command.
import { Command } from 'commander';
import { registerCdrCommands } from './cli/cdr.js';
import { DEFAULT_CONFIG, DEFAULT_PID_FILE, fail, loadEffectiveConfig, readConfig, readPidFile, removePidFile, writePidFile } from './cli/common.js';
import { ConfigError } from './config/index.js';
import { registerRouteCommand } from './cli/route.js';
import { registerSubscriberCommands } from './cli/subscriber.js';
import { startSwitch, type RunningSwitch } from './main.js';
import { createLogger } from './observability/logger.js';

const program = new Command();
program.name('precedence').description('Precedence SIP softswitch').version('0.1.0');

program
  .command('start')
  .description('start the switch')
  .option('-c, --config <file>', `configuration file (default ${DEFAULT_CONFIG})`)
  .option('-l, --listen <uri...>', 'listen address(es), overriding the configuration, e.g. udp://127.0.0.1:5062')
  .option('--pid-file <file>', 'where to write the process id (for `precedence reload`)', DEFAULT_PID_FILE)
  .action(async (opts: { config?: string; listen?: string[]; pidFile: string }) => {
    const config = readConfig(opts.config, { listen: opts.listen });
    const logger = createLogger(config.log.level);
    let running: RunningSwitch;
    try {
      running = await startSwitch(config, logger);
    } catch (e) {
      logger.fatal({ err: e }, 'could not start: check the listen addresses (port in use? permission for ports < 1024?) and the store');
      process.exit(1);
    }
    writePidFile(opts.pidFile, logger);
    // SIGHUP re-reads the same file (with the same --listen overrides); a bad file changes nothing.
    process.on('SIGHUP', () => {
      try {
        running.reload(loadEffectiveConfig(opts.config, { listen: opts.listen }));
      } catch (e) {
        logger.error({ err: e instanceof ConfigError ? e.message : e, file: opts.config ?? DEFAULT_CONFIG }, 'reload refused: the configuration is invalid; still running on the previous one');
      }
    });
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: no new calls; finishing transactions and flushing CDRs');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      void running.stop().then(() => {
        removePidFile(opts.pidFile);
        logger.info('stopped');
        process.exit(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('check-config')
  .description('validate a configuration file and print every problem with its path')
  .argument('<file>')
  .action((file: string) => {
    readConfig(file);
    process.stdout.write(`${file}: ok\n`);
  });

program
  .command('reload')
  .description('make a running switch re-read its configuration (SIGHUP) without dropping calls')
  .option('--pid-file <file>', 'the pid file `precedence start` wrote', DEFAULT_PID_FILE)
  .action((opts: { pidFile: string }) => {
    const pid = readPidFile(opts.pidFile);
    try {
      process.kill(pid, 'SIGHUP');
    } catch (e) {
      fail(`cannot signal process ${pid} from ${opts.pidFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; is the switch running?`, 1);
    }
    process.stdout.write(`sent SIGHUP to ${pid}; the switch logs the outcome\n`);
  });

registerSubscriberCommands(program);
registerCdrCommands(program);
registerRouteCommand(program);

await program.parseAsync(process.argv);
