#!/usr/bin/env node
// The `precedence` command.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { type Config, ConfigError, loadConfig, validateConfig } from './config/index.js';
import { listenProblems, startSwitch } from './main.js';
import { createLogger } from './observability/logger.js';

const DEFAULT_CONFIG = 'config/precedence.sample.yaml';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function readConfig(file: string | undefined, overrides: { listen?: string[] } = {}): Config {
  const path = file ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  let config: Config;
  try {
    config = path ? loadConfig(path) : validateConfig({}, '<defaults>');
    if (overrides.listen && overrides.listen.length > 0) config = validateConfig({ ...config, listen: overrides.listen }, path ?? '<defaults>');
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const problems = listenProblems(config);
  if (problems.length > 0) fail(new ConfigError(path ?? '<defaults>', problems).message);
  return config;
}

const program = new Command();
program.name('precedence').description('Precedence SIP softswitch').version('0.1.0');

program
  .command('start')
  .description('start the switch')
  .option('-c, --config <file>', `configuration file (default ${DEFAULT_CONFIG})`)
  .option('-l, --listen <uri...>', 'listen address(es), overriding the configuration, e.g. udp://127.0.0.1:5062')
  .action(async (opts: { config?: string; listen?: string[] }) => {
    const config = readConfig(opts.config, { listen: opts.listen });
    const logger = createLogger(config.log.level);
    let running;
    try {
      running = await startSwitch(config, logger);
    } catch (e) {
      logger.fatal({ err: e }, 'could not start: check the listen addresses (port in use? permission for ports < 1024?)');
      process.exit(1);
    }
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      void running.stop().then(() => {
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

await program.parseAsync(process.argv);
