// The composition root: the only place that wires configuration, storage and the SIP stack together.
import type { Logger } from 'pino';
import { type Config, durationMs } from './config/index.js';
import { BasicService } from './service/basic-service.js';
import { SipStack } from './sip/stack.js';
import { parseListenSpec } from './sip/transport/index.js';
import type { Endpoint } from './sip/transport/types.js';

export interface RunningSwitch {
  stack: SipStack;
  endpoints: Endpoint[];
  stop(): Promise<void>;
}

/** Problems with the listen list, named by path (`listen[1]: ...`), for check-config and start. */
export function listenProblems(config: Config): string[] {
  const problems: string[] = [];
  config.listen.forEach((spec, i) => {
    try {
      parseListenSpec(withTlsFiles(spec, config));
    } catch (e) {
      problems.push(`listen[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return problems;
}

/** tls:// and wss:// listeners take the key and certificate from `tls:` unless the spec names its own. */
function withTlsFiles(spec: string, config: Config): string {
  if (!config.tls || !/^(tls|wss):\/\//i.test(spec) || /[?&]key=/.test(spec)) return spec;
  const sep = spec.includes('?') ? '&' : '?';
  return `${spec}${sep}key=${encodeURIComponent(config.tls.key)}&cert=${encodeURIComponent(config.tls.cert)}`;
}

export async function startSwitch(config: Config, logger: Logger): Promise<RunningSwitch> {
  const service = new BasicService({ logger: logger.child({ module: 'service' }), userAgent: config.sip.userAgent });
  const stack = new SipStack({
    listen: config.listen.map((spec) => withTlsFiles(spec, config)),
    user: service,
    logger,
    t1: config.sip.t1,
    t2: config.sip.t2,
    t4: config.sip.t4,
    maxMessageSize: config.sip.maxMessageSize,
    udpBufferSize: config.sip.udpBufferSize,
    connections: { idleTimeout: durationMs(config.sip.tcpIdleTimeout), maxConnections: config.sip.maxConnections },
    tls: config.tls ? { ca: config.tls.ca } : undefined,
  });
  const endpoints = await stack.start();
  for (const e of endpoints) logger.info({ protocol: e.protocol, address: e.address, port: e.port }, 'listening');
  return {
    stack,
    endpoints,
    async stop() {
      await stack.close();
    },
  };
}
