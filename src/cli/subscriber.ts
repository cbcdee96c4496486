// `precedence subscriber add|list|remove`: manage subscribers in the configured store.
import type { Command } from 'commander';
import { openStore, makeSubscriber } from '../storage/index.js';
import { fail, readConfig } from './common.js';

function splitAor(aor: string): { username: string; domain: string } {
  const text = aor.replace(/^sips?:/i, '');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) fail(`"${aor}" is not user@domain`);
  return { username: text.slice(0, at), domain: text.slice(at + 1).toLowerCase() };
}

export function registerSubscriberCommands(program: Command): void {
  const sub = program.command('subscriber').description('manage subscribers (stored as HA1 digests, never clear text)');

  sub
    .command('add')
    .argument('<user@domain>')
    .requiredOption('-p, --password <password>', 'password (only its digests are stored)')
    .option('-n, --display-name <name>')
    .option('--priority <class>', 'priority subscription, e.g. wps.2')
    .option('-c, --config <file>')
    .action(async (aor: string, opts: { password: string; displayName?: string; priority?: string; config?: string }) => {
      const config = readConfig(opts.config);
      const { username, domain } = splitAor(aor);
      if (config.domains.length > 0 && !config.domains.map((d) => d.toLowerCase()).includes(domain)) {
        fail(`domain "${domain}" is not one of the switch's domains (${config.domains.join(', ')}); add it under "domains:" first`);
      }
      const stores = openStore(config.store);
      try {
        await stores.subscribers.put(makeSubscriber({ username, domain, password: opts.password, displayName: opts.displayName, priorityClass: opts.priority }));
        process.stdout.write(`added ${username}@${domain}\n`);
      } finally {
        await stores.close();
      }
    });

  sub
    .command('list')
    .option('-d, --domain <domain>')
    .option('-c, --config <file>')
    .action(async (opts: { domain?: string; config?: string }) => {
      const stores = openStore(readConfig(opts.config).store);
      try {
        for (const s of await stores.subscribers.list(opts.domain)) {
          process.stdout.write(`${s.username}@${s.domain}${s.displayName ? ` "${s.displayName}"` : ''}${s.priorityClass ? ` priority=${s.priorityClass}` : ''}${s.enabled ? '' : ' (disabled)'}\n`);
        }
      } finally {
        await stores.close();
      }
    });

  sub
    .command('remove')
    .argument('<user@domain>')
    .option('-c, --config <file>')
    .action(async (aor: string, opts: { config?: string }) => {
      const { username, domain } = splitAor(aor);
      const stores = openStore(readConfig(opts.config).store);
      try {
        const removed = await stores.subscribers.remove(username, domain);
        if (!removed) fail(`no subscriber ${username}@${domain}`, 1);
        process.stdout.write(`removed ${username}@${domain}\n`);
      } finally {
        await stores.close();
      }
    });
}
