// Seeds the bench users of scenarios/users.csv (u100000.., password "benchpass") into a store.
//   node bench/macro/seed-subscribers.mjs sqlite:/tmp/precedence-bench/bench.db 127.0.0.1 10000
import { openStore, makeSubscriber } from '../../dist/storage/index.js';

const [url, domain = '127.0.0.1', count = '10000'] = process.argv.slice(2);
const stores = openStore(url);
const n = Number(count);
for (let i = 0; i < n; i++) {
  await stores.subscribers.put(makeSubscriber({ username: `u${100000 + i}`, domain, password: 'benchpass' }));
  if ((i + 1) % 2000 === 0) process.stdout.write(`seeded ${i + 1}/${n}\n`);
}
await stores.close();
