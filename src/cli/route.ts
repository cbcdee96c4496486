// `precedence route NUMBER [--from TRUNK] [--caller NUMBER] [--at TIME]`: prints the routing decision and
// its trace without placing a call (trunk state is not known offline: every trunk is taken as up).
import type { Command } from 'commander';
import { RoutingEngine } from '../routing/index.js';
import { fail, readConfig } from './common.js';

export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('show how a number would be routed, with the decision trace')
    .argument('<number>')
    .option('-f, --from <trunk>', 'source trunk the call would arrive on')
    .option('--caller <number>', 'calling number')
    .option('--at <time>', 'ISO time to evaluate time-of-day conditions at (default now)')
    .option('--json', 'print the decision as JSON')
    .option('-c, --config <file>')
    .action((number: string, opts: { from?: string; caller?: string; at?: string; json?: boolean; config?: string }) => {
      const config = readConfig(opts.config);
      if (opts.from && !config.trunks.some((t) => t.name === opts.from)) {
        fail(`unknown trunk "${opts.from}"; configured trunks: ${config.trunks.map((t) => t.name).join(', ') || '(none)'}`);
      }
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) fail(`cannot read --at "${opts.at}" as an ISO time`);
      const decision = new RoutingEngine(config).route({ called: number, caller: opts.caller, sourceTrunk: opts.from, at });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
        return;
      }
      for (const line of decision.trace) process.stdout.write(`  ${line}\n`);
      if (decision.kind === 'route') {
        process.stdout.write(`route "${decision.rule}": ${decision.called} via ${decision.targets.map((t) => `${t.trunk} (${t.uri})`).join(' → ') || '(no trunk)'}\n`);
      } else {
        process.stdout.write(`no route: ${decision.status} ${decision.reason}\n`);
        process.exitCode = 1;
      }
    });
}
