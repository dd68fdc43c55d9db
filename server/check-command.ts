/**
 * `ec2-sg-emulator check`: asks a running emulator whether traffic would be allowed
 * (POST /_emulator/evaluate) and prints ALLOWED or DENIED with the deciding rules.
 *
 *   ec2-sg-emulator check --from sg-a --to sg-b --protocol tcp --port 5432
 *
 * Exit codes: 0 ALLOWED, 1 DENIED, 2 a usage error, a refused request, or no emulator at the
 * endpoint. Only node built-ins here: the command starts no server and reads no store.
 */
import { parseArgs } from 'node:util';
import type { FlowVerdict, RuleView, SideVerdict } from './evaluation/evaluate.js';

export const CHECK_HELP = `Usage: ec2-sg-emulator check --from SOURCE --to DESTINATION --protocol P [--port N | --icmp-type T [--icmp-code C]] [options]

Asks a running ec2-sg-emulator whether the security groups allow the traffic. Prints ALLOWED or
DENIED with the rules that decided, and exits 0 (ALLOWED), 1 (DENIED) or 2 (usage error, refused
request, or no emulator at the endpoint).

SOURCE and DESTINATION are each:
  sg-…                   a member of the group; repeat the flag or separate ids with commas for
                         a member of several groups (up to five)
  eni-…                  a network interface: its groups and primary private address
  an address or CIDR     outside the VPC, in no group: 203.0.113.7, 0.0.0.0/0, ::/0

Options:
  --protocol P           tcp, udp, icmp, icmpv6 or a protocol number (6, 17, 1, 58, 47, …)
  --port N               the destination port (tcp, udp)
  --icmp-type T          the ICMP type (icmp, icmpv6); --icmp-code C defaults to 0
  --from-address IP      the source's private address (with --from sg-…); without one, CIDR rules
                         decide only if they contain the whole VPC block
  --to-address IP        the destination's private address (with --to sg-…)
  --family F             ipv4 or ipv6 when no address says which (default ipv4; icmpv6: ipv6)
  --account-id ID        the account (default: the emulator's default account)
  --region NAME          the region (default: the emulator's default region)
  --endpoint URL         the emulator (default: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, or
                         http://127.0.0.1:4566)
  --control-token TOKEN  when the emulator requires one (default: CONTROL_TOKEN)
  --json                 print the emulator's JSON answer instead
  -h, --help             show this help
`;

const DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';
const TIMEOUT_MS = 30_000;

class UsageError extends Error {}

export interface CheckIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process entry (`ec2-sg-emulator check …`): runs the check and sets the exit code. */
export async function runCheck(args: readonly string[]): Promise<void> {
  process.exitCode = await check(args, {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

/** Runs one check; answers the exit code. */
export async function check(args: readonly string[], io: CheckIo): Promise<number> {
  let request: { endpoint: string; body: Record<string, unknown>; json: boolean; token: string | undefined };
  try {
    const parsed = parseCheckArgs(args, io.env);
    if (parsed === 'help') {
      io.out(CHECK_HELP);
      return 0;
    }
    request = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`ec2-sg-emulator check: ${error.message}\n(see ec2-sg-emulator check --help)\n`);
    return 2;
  }

  const url = `${request.endpoint}/_emulator/evaluate`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.token !== undefined ? { 'x-emulator-control-token': request.token } : {}) },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    io.err(`ec2-sg-emulator check: cannot reach an emulator at ${request.endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}\n`);
    return 2;
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    io.err(`ec2-sg-emulator check: ${url} answered ${status} with something other than JSON: is an ec2-sg-emulator listening there?\n`);
    return 2;
  }
  if (status !== 200) {
    const { error, message } = (answer ?? {}) as { error?: string; message?: string };
    const hint = status === 404 ? ' (are its control endpoints turned off with --no-control?)' : '';
    io.err(`ec2-sg-emulator check: the emulator answered ${status} ${error ?? ''}: ${message ?? text}${hint}\n`);
    return 2;
  }
  const verdict = answer as FlowVerdict;
  io.out(request.json ? `${JSON.stringify(verdict, null, 2)}\n` : formatVerdict(verdict));
  return verdict.allowed ? 0 : 1;
}

function parseCheckArgs(args: readonly string[], env: NodeJS.ProcessEnv) {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        endpoint: { type: 'string' },
        from: { type: 'string', multiple: true },
        to: { type: 'string', multiple: true },
        'from-address': { type: 'string' },
        'to-address': { type: 'string' },
        protocol: { type: 'string' },
        port: { type: 'string' },
        'icmp-type': { type: 'string' },
        'icmp-code': { type: 'string' },
        family: { type: 'string' },
        'account-id': { type: 'string' },
        region: { type: 'string' },
        'control-token': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['help']) return 'help' as const;
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => ((values[name] as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

  const from = endpoint(list('from'), text('from-address'), 'from');
  const to = endpoint(list('to'), text('to-address'), 'to');
  const protocol = text('protocol');
  if (protocol === undefined) throw new UsageError('--protocol is required (tcp, udp, icmp, icmpv6 or a protocol number)');
  const body: Record<string, unknown> = { from, to, protocol: /^[0-9]+$/.test(protocol) ? Number(protocol) : protocol };
  for (const [flag, field] of [['port', 'port'], ['icmp-type', 'icmpType'], ['icmp-code', 'icmpCode']] as const) {
    const raw = text(flag);
    if (raw === undefined) continue;
    if (!/^[0-9]+$/.test(raw)) throw new UsageError(`--${flag}: '${raw}' is not a whole number`);
    body[field] = Number(raw);
  }
  if (text('family') !== undefined) body['family'] = text('family');
  if (text('account-id') !== undefined) body['accountId'] = text('account-id');
  if (text('region') !== undefined) body['region'] = text('region');

  const raw = text('endpoint') ?? (env['AWS_ENDPOINT_URL_EC2'] || env['AWS_ENDPOINT_URL'] || DEFAULT_ENDPOINT);
  let endpointUrl: URL;
  try {
    endpointUrl = new URL(raw);
  } catch {
    throw new UsageError(`--endpoint: '${raw}' is not a URL`);
  }
  if (endpointUrl.protocol !== 'http:' && endpointUrl.protocol !== 'https:') throw new UsageError(`--endpoint: '${raw}' is not an http(s) URL`);
  return {
    endpoint: endpointUrl.href.replace(/\/+$/, ''),
    body,
    json: values['json'] === true,
    token: text('control-token') ?? (env['CONTROL_TOKEN'] || undefined),
  };
}

/** `--from` values (comma-separated or repeated) with `--from-address` as the request's endpoint. */
function endpoint(values: string[], address: string | undefined, side: 'from' | 'to'): unknown {
  if (values.length === 0) throw new UsageError(`--${side} is required (sg-…, eni-…, an address or a CIDR)`);
  const groups = values.filter((v) => v.startsWith('sg-'));
  if (groups.length === values.length) return address === undefined ? { groupIds: groups } : { groupIds: groups, address };
  if (values.length > 1) throw new UsageError(`--${side}: several values must all be security group ids (sg-…), not ${values.join(', ')}`);
  const value = values[0]!;
  if (value.startsWith('eni-')) return address === undefined ? value : { networkInterfaceId: value, address };
  if (address !== undefined) throw new UsageError(`--${side}-address: only with --${side} sg-… or eni-… (an outside address is given as --${side} itself)`);
  return value;
}

// ---------------------------------------------------------------- the answer as text

/** The verdict in a few lines: the flow, then each side with its deciding (or closest) rules. */
export function formatVerdict(verdict: FlowVerdict): string {
  const lines = [`${verdict.verdict}: ${flowText(verdict)} from ${endpointText(verdict.from)} to ${endpointText(verdict.to)} (${verdict.flow.family === 'ipv4' ? 'IPv4' : 'IPv6'})`];
  for (const [label, side] of [
    ['egress of the source', verdict.egress],
    ['ingress of the destination', verdict.ingress],
  ] as const) {
    lines.push(`  ${label}${side.groupIds.length > 0 ? ` (${side.groupIds.join(', ')})` : ''}: ${side.summary}`);
    lines.push(...sideRules(side));
  }
  return `${lines.join('\n')}\n`;
}

function sideRules(side: SideVerdict): string[] {
  if (side.allowed) return side.matchedRules.map((rule) => `    ${ruleText(rule)}`);
  return side.closestRules.map((rule) => `    closest: ${ruleText(rule)}: ${rule.reason ?? ''}`);
}

function ruleText(rule: RuleView): string {
  return `${rule.securityGroupRuleId} (${rule.groupId}) ${rule.summary}${rule.description !== undefined ? ` "${rule.description}"` : ''}`;
}

function flowText(verdict: FlowVerdict): string {
  const { protocol, port, icmpType, icmpCode } = verdict.flow;
  if (port !== undefined) return `${protocol} port ${port}`;
  if (icmpType !== undefined) return `${protocol} type ${icmpType} code ${icmpCode ?? 0}`;
  return `protocol ${protocol}`;
}

function endpointText(endpoint: FlowVerdict['from']): string {
  if (endpoint.kind === 'outside') return endpoint.cidr.replace(/\/(32|128)$/, '');
  const who = endpoint.networkInterfaceId !== undefined ? `${endpoint.networkInterfaceId} (${endpoint.groupIds.join(', ')})` : endpoint.groupIds.join(', ');
  return endpoint.address !== undefined ? `${who} at ${endpoint.address}` : who;
}
