#!/usr/bin/env node
/**
 * The ceiling: the least a Fastify server can do for an EC2 Query request. It parses the same
 * form body into parameters, adds a request id, and answers a fixed XML document, with none of
 * the emulator's work (no shapes, no store, no XML writing). Whatever the emulator loses against
 * this is the cost of its own request path.
 *
 *   node bench/ceiling.mjs --port 0   → prints "ceiling listening on http://127.0.0.1:PORT"
 *
 * `--work-us N` adds N µs of busy CPU work to every answer: the calibration row of the benchmark,
 * showing what any server that spends N µs on a request (validating, storing, writing XML) can reach
 * on this machine, with the same HTTP stack and the same load generator.
 *
 * The fixed document names a group id so the mixed workload (which reads the id created by
 * CreateSecurityGroup) runs its full sequence against it too.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'work-us': { type: 'string', default: '0' } },
});
const workNs = BigInt(Math.round(Number(values['work-us']) * 1000));

const FIXED_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<CreateSecurityGroupResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>00000000-0000-0000-0000-000000000000</requestId><return>true</return>' +
  '<groupId>sg-0123456789abcdef0</groupId></CreateSecurityGroupResponse>';

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body)));
});
app.post('/', async (request, reply) => {
  if (typeof request.body?.Action !== 'string') return reply.code(400).send('MissingAction');
  reply.header('x-amzn-RequestId', randomUUID());
  if (workNs > 0n) {
    const until = process.hrtime.bigint() + workNs;
    while (process.hrtime.bigint() < until);
  }
  return reply.type('text/xml;charset=UTF-8').send(FIXED_XML);
});

await app.listen({ host: values.host, port: Number(values.port) });
process.stdout.write(`ceiling listening on http://127.0.0.1:${app.server.address().port}\n`);
const stop = () => app.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
