/**
 * The request journal: the last N EC2 and STS requests the emulator answered, newest last, for a
 * test to assert what the code under test called (`emulator.requests()`, `GET /_emulator/requests`)
 * and for the console's live log.
 *
 * It sits on the hot path, so recording must cost next to nothing, and what costs a server like
 * this one is less the instructions of recording than memory kept alive: every object that
 * outlives a request is copied by the young-generation collector and then swept by the old one,
 * and data touched again long after is no longer in the CPU's caches. So everything is done once,
 * when the request is answered and its data is at hand: the parsed input and the output (as the
 * dispatcher built them: no copy, no serialisation) go into two small rings that hold the newest
 * ANSWERS_KEPT, where a newer request's overwrite is what lets them go; the raw parameters (signing
 * ones taken out) and a short summary of the answer are appended to one preallocated byte arena
 * outside the garbage-collected heap; and the entry's fields go into the ring's typed arrays (one
 * per field: numbers, names shared by every entry, the request id). The request's own objects all
 * die young. Reading an older entry parses its input again from its stored parameters, by the
 * same shape-driven parser (so it is the same input); its answer is then the summary (the ids it
 * names, how many items each list held).
 *
 * What is never shown: headers (never stored), signatures and secret keys. The input is the
 * operation's input as the shape parser reads it, which leaves every signing parameter out, and
 * keys that could hold a secret are redacted again when an entry is read.
 */
import type { FastifyRequest } from 'fastify';
import type { Ec2Error } from '../protocol/errors.js';
import { isEnvelopeParameter, parseQueryInput } from '../protocol/query-parser.js';
import { STS_OPERATION_SHAPES, STS_VERSION } from '../protocol/sts-shapes.js';
import { signerOf } from './context.js';
import { OPERATIONS } from './operations.js';

export const DEFAULT_JOURNAL_SIZE = 1000;
/**
 * The newest entries that keep their input and answer as objects; older ones keep them compactly.
 * Few enough that those objects still die young: kept for a hundred requests, they outlived two
 * young-generation collections and were moved to the old generation, at a measurable cost.
 */
export const ANSWERS_KEPT = 20;

/** What became of a request. */
export type Outcome = 'ok' | 'error' | 'dry-run' | 'fault' | 'refused';

/** What dispatch() fills in while it runs a request: the parsed input, then the output. */
export interface RequestCapture {
  input: Record<string, unknown> | undefined;
  output: unknown;
}

/** Times are kept as whole milliseconds since this moment: small integers, which V8 stores unboxed. */
const EPOCH = Date.now();

/** A microsecond clock as a 32-bit integer (it wraps every 71 minutes; durations are far shorter). */
const microseconds = (): number => (performance.now() * 1000) | 0;

/** A request in flight: what dispatch() fills in; once it is answered the ring copies its fields. */
export class JournalEntry implements RequestCapture {
  seq = 0;
  input: Record<string, unknown> | undefined = undefined;
  output: unknown = undefined;
  status = 0;
  errorCode: string | undefined = undefined;
  errorMessage: string | undefined = undefined;
  /** An injected fault (server/realism.ts) answered it, not the action. */
  fault = false;
  /** Answered before it was read as an action: bad signature, unreadable body, wrong method. */
  refused = false;
  /** How long answering took, in whole microseconds. */
  durationUs = 0;
  /** The raw parameters as received (by reference), until the request is answered. */
  url: string | undefined;
  body: string | undefined;
  /** Once answered: where its parameters and answer summary are in the arena (-1: not yet, -2: too large). */
  stored = -1;
  queryBytes = 0;
  bodyBytes = 0;
  summaryBytes = 0;
  /** Once answered: whether it had a parsed input (which its stored parameters then give again). */
  hadInput = false;
  /** Whole milliseconds since EPOCH when it arrived. */
  readonly arrived = Date.now() - EPOCH;
  /** When it was read as an action, in microseconds (wrapping at 32 bits): its duration starts here. */
  readonly startedUs = microseconds();

  constructor(
    readonly requestId: string,
    readonly accountId: string,
    readonly region: string,
    readonly action: string,
    /** The `Version` parameter: it tells STS from EC2. */
    readonly version: string | null,
    url: string,
    body: string | undefined,
  ) {
    this.url = url;
    this.body = body;
  }

  /** When it arrived, in milliseconds since the Unix epoch. */
  get time(): number {
    return EPOCH + this.arrived;
  }
}

/** The answer reduced to what a log line needs. */
export interface OutputSummary {
  /** Resource ids the answer names (the group created, the rules added, ...); none for reads. */
  readonly ids: readonly string[];
  /** Items in each list of the answer (`SecurityGroups: 3`). */
  readonly counts: Readonly<Record<string, number>>;
}

/** One journal entry as read: plain JSON, a copy, secrets redacted. */
export interface JournalRecord {
  readonly seq: number;
  readonly requestId: string;
  /** When the request arrived (ISO 8601). */
  readonly time: string;
  readonly service: 'ec2' | 'sts';
  readonly accountId: string;
  readonly region: string;
  readonly action: string;
  readonly status: number;
  readonly outcome: Outcome;
  readonly dryRun: boolean;
  readonly fault: boolean;
  readonly refused: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The parsed input in the SDK's member names; null when the request was refused before parsing. */
  readonly input: Record<string, any> | null;
  /** The whole answer, while the entry is among the newest ANSWERS_KEPT successes. */
  readonly output?: Record<string, any>;
  readonly summary: OutputSummary;
  readonly durationMs: number;
}

export interface JournalFilter {
  /** One action or several (any of them). */
  readonly action?: string | readonly string[];
  /** An HTTP status (`400`), a class (`4xx`), or `ok` / `error`. */
  readonly status?: number | string;
  readonly errorCode?: string;
  readonly outcome?: Outcome;
  readonly account?: string;
  readonly region?: string;
  /** Entries after this one: a request id, an ISO time, or a `seq` number. */
  readonly since?: string | number;
  /** At most this many, the newest. */
  readonly limit?: number;
}

/** A filter that cannot be applied; the message says which part and why. */
export class JournalFilterError extends Error {}

type Listener = { entries(records: readonly StoredEntry[]): void; cleared(): void };

/**
 * Names that recur in every entry (actions, versions, accounts, regions) as one shared string
 * each. A name read from a request is often a slice of the request's body or of its
 * Authorization header: keeping the slice would keep the whole body or header alive with it.
 */
const SHARED_NAMES = new Map<string, string>();
const SHARED_NAMES_LIMIT = 4096;
/** The last few names asked for: a comparison with them is cheaper than hashing the name. */
const RECENT_NAMES: string[] = ['', '', '', '', '', '', '', ''];
let recentName = 0;
function shared(name: string): string {
  for (let i = 0; i < RECENT_NAMES.length; i++) if (RECENT_NAMES[i] === name) return RECENT_NAMES[i]!;
  const known = SHARED_NAMES.get(name);
  if (known !== undefined) {
    RECENT_NAMES[recentName] = known;
    recentName = (recentName + 1) % RECENT_NAMES.length;
    return known;
  }
  if (SHARED_NAMES.size >= SHARED_NAMES_LIMIT || name.length > 128) return name;
  // A fresh string of its own, not a view into the request it came from.
  const own = ` ${name}`.slice(1);
  SHARED_NAMES.set(own, own);
  return own;
}

/**
 * A ring of bytes outside the garbage-collected heap for the compacted entries' parameters and
 * answer summaries. Positions are counted over everything ever written, so whether a record is
 * still intact (not yet written over) is one comparison.
 */
class Arena {
  private readonly bytes: Buffer;
  /** Bytes consumed so far, including the tails skipped to start again at 0; physical = total % size. */
  private total = 0;

  constructor(readonly size: number) {
    // Zeroed, not allocUnsafe: unwritten bytes could otherwise hold whatever the process freed
    // before (a request body with its signature, say), and nothing but what the journal wrote may be
    // in it. (The unit test that looks for secrets in the whole arena failed once on Node 24 so.)
    this.bytes = Buffer.alloc(size);
  }

  /** Room for up to `maxBytes` in one piece: its virtual start, or -1 when it can never fit. */
  reserve(maxBytes: number): number {
    if (maxBytes > this.size) return -1;
    const offset = this.total % this.size;
    if (offset + maxBytes > this.size) this.total += this.size - offset;
    return this.total;
  }

  /** Appends `text` (right after a reserve()), answering the bytes it took. */
  append(text: string): number {
    if (text.length === 0) return 0;
    const written = this.bytes.write(text, this.total % this.size, 'utf8');
    this.total += written;
    return written;
  }

  /** Whether what was written from virtual `start` on is still there (not yet written over). */
  intact(start: number): boolean {
    return start >= 0 && this.total - start <= this.size;
  }

  /** The text of `length` bytes at virtual `start`, part of one record written in one piece. */
  read(start: number, length: number): string {
    const offset = start % this.size;
    return this.bytes.toString('utf8', offset, offset + length);
  }

  clear(): void {
    this.total = 0;
  }
}

/** Arena bytes per entry of the journal: a typical request's parameters fit several times over. */
const ARENA_BYTES_PER_ENTRY = 1024;
const ARENA_MIN_BYTES = 256 * 1024;
const ARENA_MAX_BYTES = 64 * 1024 * 1024;

/** An entry as stored, read back: built when the journal is read, never on the hot path. */
export interface StoredEntry {
  readonly seq: number;
  readonly requestId: string;
  /** When it arrived, in milliseconds since the Unix epoch. */
  readonly time: number;
  readonly accountId: string;
  readonly region: string;
  readonly action: string;
  readonly version: string | null;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly fault: boolean;
  readonly refused: boolean;
  readonly durationUs: number;
  readonly hadInput: boolean;
  readonly stored: number;
  readonly queryBytes: number;
  readonly bodyBytes: number;
  readonly summaryBytes: number;
}

const FAULT = 1;
const REFUSED = 2;
const HAD_INPUT = 4;

/**
 * The ring, one typed array (or array of shared strings) per field, so that what an answered
 * request leaves behind is numbers and strings that already exist, plus its request id: no object
 * per entry for the garbage collector to move and later sweep.
 */
export class RequestJournal {
  private readonly seqs: Float64Array;
  private readonly arrivals: Float64Array;
  private readonly statuses: Uint16Array;
  private readonly durations: Int32Array;
  private readonly flags: Uint8Array;
  private readonly storedAt: Float64Array;
  private readonly queryBytes: Int32Array;
  private readonly bodyBytes: Int32Array;
  private readonly summaryBytes: Int32Array;
  private readonly requestIds: string[];
  private readonly actions: string[];
  private readonly accounts: string[];
  private readonly regions: string[];
  private readonly versions: (string | null)[];
  private readonly errorCodes: (string | undefined)[];
  private readonly errorMessages: (string | undefined)[];
  /** The input and output objects of the newest ANSWERS_KEPT entries, at `seq % ANSWERS_KEPT`. */
  private readonly recentInputs: (Record<string, unknown> | undefined)[] = new Array(ANSWERS_KEPT).fill(undefined);
  private readonly recentOutputs: unknown[] = new Array(ANSWERS_KEPT).fill(undefined);
  private readonly arena: Arena;
  private next = 0;
  private count = 0;
  private lastSeq = 0;
  private readonly listeners = new Set<Listener>();
  private pending: number[] = [];
  private flushScheduled = false;

  constructor(
    readonly capacity: number,
    private readonly defaults: { readonly accountId: string; readonly region: string },
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('a journal holds at least one entry');
    this.seqs = new Float64Array(capacity);
    this.arrivals = new Float64Array(capacity);
    this.statuses = new Uint16Array(capacity);
    this.durations = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.storedAt = new Float64Array(capacity);
    this.queryBytes = new Int32Array(capacity);
    this.bodyBytes = new Int32Array(capacity);
    this.summaryBytes = new Int32Array(capacity);
    this.requestIds = new Array<string>(capacity).fill('');
    this.actions = new Array<string>(capacity).fill('');
    this.accounts = new Array<string>(capacity).fill('');
    this.regions = new Array<string>(capacity).fill('');
    this.versions = new Array<string | null>(capacity).fill(null);
    this.errorCodes = new Array<string | undefined>(capacity).fill(undefined);
    this.errorMessages = new Array<string | undefined>(capacity).fill(undefined);
    this.arena = new Arena(Math.min(ARENA_MAX_BYTES, Math.max(ARENA_MIN_BYTES, capacity * ARENA_BYTES_PER_ENTRY)));
  }

  /**
   * Starts the entry of a request that was read as an action (commit() or fail() ends it), with
   * its URL and form body as received, kept by reference: they are what its input is read from.
   */
  open(
    requestId: string,
    scope: { readonly accountId: string; readonly region: string },
    action: string,
    version: string | null,
    url = '/',
    body: unknown = undefined,
  ): JournalEntry {
    return new JournalEntry(
      requestId,
      shared(scope.accountId),
      shared(scope.region),
      shared(action),
      version === null ? null : shared(version),
      url,
      typeof body === 'string' ? body : undefined,
    );
  }

  /** The action answered (status 200). */
  commit(entry: JournalEntry, status: number): void {
    entry.status = status;
    entry.durationUs = (microseconds() - entry.startedUs) | 0;
    this.push(entry);
  }

  /** The request was answered with an error, at any stage (refused, fault, validation, DryRun). */
  fail(entry: JournalEntry, error: Ec2Error, status: number): void {
    entry.status = status;
    entry.errorCode = error.code;
    entry.errorMessage = error.message;
    entry.durationUs = (microseconds() - entry.startedUs) | 0;
    this.push(entry);
  }

  /**
   * The error path of the server: ends the request's entry, or records a request refused before
   * it was read as an action (it has no entry yet). Only the error path pays for what it reads here.
   */
  recordError(request: FastifyRequest, error: Ec2Error, status: number): void {
    let entry = request.ec2Journal;
    if (!entry) {
      // Only EC2 and STS requests are journalled, not the emulator's own endpoints.
      if (request.url.startsWith('/_emulator/') || request.url.startsWith('/moto-api/')) return;
      const params = readableParameters(request);
      const authorization = request.headers.authorization;
      const signer = signerOf(typeof authorization === 'string' ? authorization : undefined, params);
      const accountId = signer.accessKeyId !== undefined && /^[0-9]{12}$/.test(signer.accessKeyId) ? signer.accessKeyId : this.defaults.accountId;
      entry = this.open(
        request.ec2RequestId,
        { accountId, region: signer.region ?? this.defaults.region },
        request.ec2Action || (params.get('Action') ?? ''),
        params.get('Version'),
      );
      entry.refused = true;
    }
    request.ec2Journal = null;
    this.fail(entry, error, status);
  }

  private push(entry: JournalEntry): void {
    const capacity = this.capacity;
    const seq = (entry.seq = ++this.lastSeq);
    const slot = this.next;
    this.next = slot + 1 === capacity ? 0 : slot + 1;
    if (this.count < capacity) this.count += 1;
    const recent = seq % ANSWERS_KEPT;
    this.recentInputs[recent] = entry.input;
    this.recentOutputs[recent] = entry.output;
    this.store(entry);
    this.seqs[slot] = seq;
    this.arrivals[slot] = entry.arrived;
    this.statuses[slot] = entry.status;
    this.durations[slot] = entry.durationUs;
    this.flags[slot] = (entry.fault ? FAULT : 0) | (entry.refused ? REFUSED : 0) | (entry.hadInput ? HAD_INPUT : 0);
    this.storedAt[slot] = entry.stored;
    this.queryBytes[slot] = entry.queryBytes;
    this.bodyBytes[slot] = entry.bodyBytes;
    this.summaryBytes[slot] = entry.summaryBytes;
    this.requestIds[slot] = entry.requestId;
    this.actions[slot] = entry.action;
    this.accounts[slot] = entry.accountId;
    this.regions[slot] = entry.region;
    this.versions[slot] = entry.version;
    this.errorCodes[slot] = entry.errorCode;
    this.errorMessages[slot] = entry.errorMessage;
    if (this.listeners.size > 0) {
      this.pending.push(seq);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    }
  }

  /**
   * Its raw parameters (when they gave an input) and the summary of its answer go to the arena,
   * while they are at hand; the entry lets go of every object of its request.
   */
  private store(entry: JournalEntry): void {
    const hadInput = entry.input !== undefined;
    const url = entry.url ?? '/';
    const queryStart = url.indexOf('?');
    const query = hadInput && queryStart !== -1 ? withoutSigning(url.slice(queryStart + 1)) : '';
    const body = hadInput ? withoutSigning(entry.body ?? '') : '';
    const summary = entry.output === undefined ? '' : summaryText(entry.action, entry.output);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const start = this.arena.reserve(3 * (query.length + body.length + summary.length));
    entry.hadInput = hadInput && start !== -1;
    if (start !== -1) {
      entry.queryBytes = this.arena.append(query);
      entry.bodyBytes = this.arena.append(body);
      entry.summaryBytes = this.arena.append(summary);
    }
    entry.stored = start === -1 ? -2 : start;
    entry.input = undefined;
    entry.output = undefined;
    entry.url = undefined;
    entry.body = undefined;
  }

  /** The entry in `slot`, read back. */
  private view(slot: number): StoredEntry {
    const flags = this.flags[slot]!;
    return {
      seq: this.seqs[slot]!,
      requestId: this.requestIds[slot]!,
      time: EPOCH + this.arrivals[slot]!,
      accountId: this.accounts[slot]!,
      region: this.regions[slot]!,
      action: this.actions[slot]!,
      version: this.versions[slot]!,
      status: this.statuses[slot]!,
      errorCode: this.errorCodes[slot],
      errorMessage: this.errorMessages[slot],
      fault: (flags & FAULT) !== 0,
      refused: (flags & REFUSED) !== 0,
      durationUs: this.durations[slot]!,
      hadInput: (flags & HAD_INPUT) !== 0,
      stored: this.storedAt[slot]!,
      queryBytes: this.queryBytes[slot]!,
      bodyBytes: this.bodyBytes[slot]!,
      summaryBytes: this.summaryBytes[slot]!,
    };
  }

  /**
   * An older entry's input, parsed again from its stored parameters, the way dispatch() parsed
   * it; null if it had none, or if newer entries' parameters have taken the arena's room since.
   */
  private storedInput(entry: StoredEntry): Record<string, unknown> | null {
    if (!entry.hadInput || !this.arena.intact(entry.stored)) return null;
    const query = this.arena.read(entry.stored, entry.queryBytes);
    const body = this.arena.read(entry.stored + entry.queryBytes, entry.bodyBytes);
    const shape = entry.version === STS_VERSION ? STS_OPERATION_SHAPES.GetCallerIdentity.input : OPERATIONS.get(entry.action)?.shapes.input;
    if (shape === undefined) return null;
    try {
      return parseQueryInput(new URLSearchParams(body === '' ? query : query === '' ? body : `${query}&${body}`), shape);
    } catch {
      return null;
    }
  }

  /** An older entry's answer summary, read back from the arena. */
  private storedSummary(entry: StoredEntry): OutputSummary {
    if (entry.summaryBytes === 0 || !this.arena.intact(entry.stored)) return { ids: [], counts: {} };
    return parseSummaryText(this.arena.read(entry.stored + entry.queryBytes + entry.bodyBytes, entry.summaryBytes));
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const seqs = this.pending;
    this.pending = [];
    if (seqs.length === 0) return;
    // The newest entries, walking back from the last one written to the first of the batch.
    const batch: StoredEntry[] = [];
    const first = seqs[0]!;
    for (let i = 1; i <= this.count; i++) {
      const slot = (this.next - i + this.capacity) % this.capacity;
      const seq = this.seqs[slot]!;
      if (seq < first || seq === 0) break;
      batch.push(this.view(slot));
    }
    if (batch.length === 0) return;
    batch.reverse();
    for (const listener of this.listeners) listener.entries(batch);
  };

  /** How many entries it holds now. */
  get size(): number {
    return this.count;
  }

  /** The seq of the newest entry ever recorded (0 before the first); seq numbers never repeat. */
  get latestSeq(): number {
    return this.lastSeq;
  }

  /** Forgets every entry (a reset does this too). Seq numbers go on from where they were. */
  clear(): void {
    this.seqs.fill(0);
    this.requestIds.fill('');
    this.errorMessages.fill(undefined);
    this.recentInputs.fill(undefined);
    this.recentOutputs.fill(undefined);
    this.arena.clear();
    this.next = 0;
    this.count = 0;
    this.pending = [];
    for (const listener of this.listeners) listener.cleared();
  }

  /** The entries, oldest first, read back. */
  entries(filter: JournalFilter = {}): StoredEntry[] {
    const matches = compileFilter(filter, this);
    const found: StoredEntry[] = [];
    const capacity = this.capacity;
    const start = this.count < capacity ? 0 : this.next;
    for (let i = 0; i < this.count; i++) {
      const slot = (start + i) % capacity;
      if (this.seqs[slot] === 0) continue;
      const entry = this.view(slot);
      if (matches(entry)) found.push(entry);
    }
    const limit = filter.limit;
    return limit !== undefined && found.length > limit ? found.slice(found.length - limit) : found;
  }

  /** Whether the entry is among the newest ANSWERS_KEPT, whose input and output objects are kept. */
  private isRecent(entry: StoredEntry): boolean {
    return this.lastSeq - entry.seq < ANSWERS_KEPT;
  }

  /** The entries as plain records, oldest first: what `emulator.requests()` returns. */
  records(filter: JournalFilter = {}): JournalRecord[] {
    return this.entries(filter).map((entry) => this.toRecord(entry));
  }

  /** One entry as a plain record: a copy, with secret-like keys redacted. */
  toRecord(entry: StoredEntry): JournalRecord {
    const recent = this.isRecent(entry);
    const input = recent ? (this.recentInputs[entry.seq % ANSWERS_KEPT] ?? null) : this.storedInput(entry);
    const output = recent ? this.recentOutputs[entry.seq % ANSWERS_KEPT] : undefined;
    const record: Record<string, unknown> = {
      seq: entry.seq,
      requestId: entry.requestId,
      time: new Date(entry.time).toISOString(),
      service: entry.version === STS_VERSION ? 'sts' : 'ec2',
      accountId: entry.accountId,
      region: entry.region,
      action: entry.action,
      status: entry.status,
      outcome: outcomeOf(entry),
      dryRun: input?.['DryRun'] === true,
      fault: entry.fault,
      refused: entry.refused,
    };
    if (entry.errorCode !== undefined) {
      record['errorCode'] = entry.errorCode;
      record['errorMessage'] = entry.errorMessage;
    }
    record['input'] = input === null ? null : redactedCopy(input);
    if (output !== undefined && entry.errorCode === undefined) {
      record['output'] = redactedCopy(output);
      record['summary'] = summarize(entry.action, output);
    } else {
      record['summary'] = this.storedSummary(entry);
    }
    record['durationMs'] = entry.durationUs / 1000;
    return record as unknown as JournalRecord;
  }

  /** A test of one entry against the filter's conditions (its `since` and `limit` aside): for the live stream. */
  matcher(filter: JournalFilter): (entry: StoredEntry) => boolean {
    const { since: _since, limit: _limit, ...conditions } = filter;
    return compileFilter(conditions, this);
  }

  findByRequestId(requestId: string): StoredEntry | undefined {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.seqs[slot] !== 0 && this.requestIds[slot] === requestId) return this.view(slot);
    }
    return undefined;
  }

  /** New entries, in batches at most once per event-loop turn, and clears; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

const SIGNING = /Signature|Token|Credential|AWSAccessKeyId/;

/**
 * Form parameters with the signing ones taken out (a presigned URL's or SigV2's signature, a
 * session token): those are never stored. They are not part of any input, so the input read again
 * from what is stored is the same. Most requests carry none and are kept as they are.
 */
function withoutSigning(form: string): string {
  if (!SIGNING.test(form)) return form;
  const kept = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(form)) if (!isEnvelopeParameter(key)) kept.append(key, value);
  return kept.toString();
}

/** A journal, or null when the size is 0 (turned off). */
export function createJournal(size: number | undefined, defaults: { accountId: string; region: string }): RequestJournal | null {
  const capacity = size ?? DEFAULT_JOURNAL_SIZE;
  return capacity > 0 ? new RequestJournal(capacity, defaults) : null;
}

// ---------------------------------------------------------------- reading entries

export function outcomeOf(entry: { readonly refused: boolean; readonly fault: boolean; readonly errorCode: string | undefined }): Outcome {
  if (entry.refused) return 'refused';
  if (entry.fault) return 'fault';
  if (entry.errorCode === 'DryRunOperation') return 'dry-run';
  return entry.errorCode === undefined ? 'ok' : 'error';
}

/** Keys whose values could be secrets: never shown, whatever an input holds. */
const SECRET_KEY = /secret|password|passphrase|signature|sessiontoken|securitytoken|privatekey|authorization|credential/i;
export const REDACTED = '[redacted]';

/** A deep copy for reading, with every secret-like key's value replaced. */
export function redactedCopy(value: unknown): any {
  if (Array.isArray(value)) return value.map(redactedCopy);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      copy[key] = SECRET_KEY.test(key) ? REDACTED : redactedCopy(item);
    }
    return copy;
  }
  return typeof value === 'bigint' ? String(value) : value;
}

const RESOURCE_ID = /^[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17}$/;
const MAX_SUMMARY_IDS = 20;
const isRead = (action: string) => action.startsWith('Describe') || action.startsWith('Get') || action.startsWith('List');

/** The ids an answer names and the size of each of its lists; reads name no ids. */
export function summarize(action: string, output: unknown): OutputSummary {
  const counts: Record<string, number> = {};
  const ids: string[] = [];
  if (output === null || typeof output !== 'object') return { ids, counts };
  const namesCreated = !isRead(action);
  const fields = output as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (Array.isArray(value)) {
      counts[key] = value.length;
      if (!namesCreated) continue;
      const idKey = idKeyOf(key);
      for (let i = 0; i < value.length && ids.length < MAX_SUMMARY_IDS; i++) addId(ids, idOf(value[i], idKey));
    } else if (!namesCreated) {
      continue;
    } else if (typeof value === 'string') {
      if (key.endsWith('Id') && RESOURCE_ID.test(value)) addId(ids, value);
    } else if (value !== null && typeof value === 'object') {
      addId(ids, idOf(value, idKeyOf(key)));
    }
  }
  return { ids, counts };
}

/**
 * The summary as the arena keeps it: `id,id|Name=3,Other=0`. Ids and member names never hold
 * `,`, `|` or `=`.
 */
function summaryText(action: string, output: unknown): string {
  if (output === null || typeof output !== 'object') return '';
  // The common answers (one list, one or two ids) without building summarize()'s objects.
  const namesCreated = !isRead(action);
  const fields = output as Record<string, unknown>;
  let ids = '';
  let idCount = 0;
  let counts = '';
  const add = (id: string | undefined) => {
    if (id === undefined || idCount >= MAX_SUMMARY_IDS || (idCount > 0 && `,${ids},`.includes(`,${id},`))) return;
    ids = idCount === 0 ? id : `${ids},${id}`;
    idCount += 1;
  };
  for (const key in fields) {
    const value = fields[key];
    if (Array.isArray(value)) {
      counts = counts === '' ? `${key}=${value.length}` : `${counts},${key}=${value.length}`;
      if (!namesCreated) continue;
      const idKey = idKeyOf(key);
      for (let i = 0; i < value.length && idCount < MAX_SUMMARY_IDS; i++) add(idOf(value[i], idKey));
    } else if (!namesCreated) {
      continue;
    } else if (typeof value === 'string') {
      if (key.endsWith('Id') && RESOURCE_ID.test(value)) add(value);
    } else if (value !== null && typeof value === 'object') {
      add(idOf(value, idKeyOf(key)));
    }
  }
  return `${ids}|${counts}`;
}

function parseSummaryText(text: string): OutputSummary {
  const bar = text.indexOf('|');
  const ids = bar <= 0 ? [] : text.slice(0, bar).split(',');
  const counts: Record<string, number> = {};
  for (const pair of text.slice(bar + 1).split(',')) {
    const equals = pair.indexOf('=');
    if (equals > 0) counts[pair.slice(0, equals)] = Number(pair.slice(equals + 1));
  }
  return { ids, counts };
}

function addId(ids: string[], id: string | undefined): void {
  if (id !== undefined && ids.length < MAX_SUMMARY_IDS && !ids.includes(id)) ids.push(id);
}

/** `<Name>Id` for a member `<Name>` or `<Name>s` (`SecurityGroupRules` → `SecurityGroupRuleId`), memoised. */
const ID_KEYS = new Map<string, string>();
function idKeyOf(key: string): string {
  let idKey = ID_KEYS.get(key);
  if (idKey === undefined) {
    idKey = `${key.endsWith('s') ? key.slice(0, -1) : key}Id`;
    if (ID_KEYS.size < 512) ID_KEYS.set(key, idKey);
  }
  return idKey;
}

/** The id of one item of an answer: its `idKey` member, else its first member that holds an id. */
function idOf(item: unknown, idKey: string): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const fields = item as Record<string, unknown>;
  const own = fields[idKey];
  if (typeof own === 'string' && RESOURCE_ID.test(own)) return own;
  for (const name in fields) {
    if (!name.endsWith('Id')) continue;
    const value = fields[name];
    if (typeof value === 'string' && RESOURCE_ID.test(value)) return value;
  }
  return undefined;
}

// ---------------------------------------------------------------- filters

const STATUS = /^(?:[1-5][0-9]{2}|[1-5]xx|ok|error)$/;
const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'dry-run', 'fault', 'refused'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function compileFilter(filter: JournalFilter, journal: RequestJournal): (entry: StoredEntry) => boolean {
  const tests: ((entry: StoredEntry) => boolean)[] = [];
  if (filter.action !== undefined) {
    const actions = new Set(typeof filter.action === 'string' ? filter.action.split(',') : filter.action);
    tests.push((e) => actions.has(e.action));
  }
  if (filter.status !== undefined) {
    const status = String(filter.status).toLowerCase();
    if (!STATUS.test(status)) throw new JournalFilterError(`status: '${status}' is not an HTTP status (400), a class (4xx), ok or error`);
    if (status === 'ok') tests.push((e) => e.errorCode === undefined);
    else if (status === 'error') tests.push((e) => e.errorCode !== undefined);
    else if (status.endsWith('xx')) {
      const hundreds = Number(status[0]);
      tests.push((e) => Math.floor(e.status / 100) === hundreds);
    } else {
      const exact = Number(status);
      tests.push((e) => e.status === exact);
    }
  }
  if (filter.errorCode !== undefined) {
    const code = filter.errorCode;
    tests.push((e) => e.errorCode === code);
  }
  if (filter.outcome !== undefined) {
    const outcome = filter.outcome;
    if (!OUTCOMES.includes(outcome)) throw new JournalFilterError(`outcome: '${String(outcome)}' is not one of ${OUTCOMES.join(', ')}`);
    tests.push((e) => outcomeOf(e) === outcome);
  }
  if (filter.account !== undefined) {
    const account = filter.account;
    tests.push((e) => e.accountId === account);
  }
  if (filter.region !== undefined) {
    const region = filter.region;
    tests.push((e) => e.region === region);
  }
  if (filter.since !== undefined) {
    const since = String(filter.since);
    if (/^[0-9]+$/.test(since)) {
      const seq = Number(since);
      tests.push((e) => e.seq > seq);
    } else if (ISO_TIME.test(since) && Number.isFinite(Date.parse(since))) {
      const time = Date.parse(since);
      tests.push((e) => e.time > time);
    } else {
      const anchor = journal.findByRequestId(since);
      if (anchor === undefined) {
        throw new JournalFilterError(`since: no entry has the request id '${since}' (it may have left the journal)`);
      }
      const seq = anchor.seq;
      tests.push((e) => e.seq > seq);
    }
  }
  if (filter.limit !== undefined && !(Number.isInteger(filter.limit) && filter.limit >= 0)) {
    throw new JournalFilterError(`limit: '${String(filter.limit)}' is not a whole number, 0 or more`);
  }
  return (entry) => {
    for (const test of tests) if (!test(entry)) return false;
    return true;
  };
}

/** Reads a filter from URL query parameters (all optional); throws JournalFilterError for bad values. */
export function filterFromQuery(query: Record<string, unknown>): JournalFilter {
  const text = (name: string): string | undefined => {
    const value = query[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' && first !== '' ? first : undefined;
  };
  const filter: { -readonly [K in keyof JournalFilter]: JournalFilter[K] } = {};
  const action = text('action');
  if (action !== undefined) filter.action = action;
  const status = text('status');
  if (status !== undefined) filter.status = status;
  const errorCode = text('errorCode');
  if (errorCode !== undefined) filter.errorCode = errorCode;
  const outcome = text('outcome');
  if (outcome !== undefined) filter.outcome = outcome as Outcome;
  const account = text('account');
  if (account !== undefined) filter.account = account;
  const region = text('region');
  if (region !== undefined) filter.region = region;
  const since = text('since');
  if (since !== undefined) filter.since = since;
  const limit = text('limit');
  if (limit !== undefined) {
    if (!/^[0-9]+$/.test(limit)) throw new JournalFilterError(`limit: '${limit}' is not a whole number, 0 or more`);
    filter.limit = Number(limit);
  }
  return filter;
}

/** The form fields of a refused request, as far as they can be read (never throws). */
function readableParameters(request: FastifyRequest): URLSearchParams {
  const queryStart = request.url.indexOf('?');
  const query = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const body = typeof request.body === 'string' && request.body.length <= 64 * 1024 ? request.body : '';
  try {
    return new URLSearchParams(body === '' ? query : query === '' ? body : `${query}&${body}`);
  } catch {
    return new URLSearchParams();
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The journal entry of the request in flight; null until it is read as an action. */
    ec2Journal: JournalEntry | null;
  }
  interface FastifyInstance {
    /** The request journal; null when turned off (`--journal-size 0`). */
    ec2Journal: RequestJournal | null;
  }
}
