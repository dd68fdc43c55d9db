/**
 * The request journal over HTTP (server/journal.ts has the journal itself):
 *
 *   GET    /_emulator/requests         {"journalSize","latestSeq","requests":[…]}, oldest first; filters in the
 *                                      query: action, status, errorCode, outcome, account, region,
 *                                      since (request id, ISO time or seq), limit
 *   DELETE /_emulator/requests         forget every entry
 *   GET    /_emulator/requests/stream  Server-Sent Events: one `request` event per new entry (its id
 *                                      is the entry's seq, so a reconnecting EventSource resumes
 *                                      after the last one it saw), `cleared` when the journal is emptied
 *
 * Registered with the other control endpoints: `--no-control` turns them off.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { filterFromQuery, JournalFilterError, type RequestJournal, type StoredEntry } from '../journal.js';
import { sendJson } from './routes.js';

export const REQUESTS_PATH = '/_emulator/requests';

/** A stream whose client reads slower than this much is waiting gets closed; it reconnects and resumes. */
const STREAM_BACKLOG_LIMIT = 4 * 1024 * 1024;
/** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

export function registerJournalRoutes(app: FastifyInstance, journal: RequestJournal | null): void {
  const journalOff = (reply: FastifyReply) =>
    sendJson(reply, 404, { error: 'JournalOff', message: 'the request journal is turned off (--journal-size 0)' });

  // GET and DELETE as one route: every route registered costs each start of the server.
  app.route({
    method: ['GET', 'DELETE'],
    url: REQUESTS_PATH,
    handler: async (request, reply) => {
      if (request.method === 'DELETE') {
        journal?.clear();
        return sendJson(reply, 200, { status: 'ok' });
      }
      if (journal === null) return sendJson(reply, 200, { journalSize: 0, latestSeq: 0, requests: [] });
      try {
        const filter = filterFromQuery(request.query as Record<string, unknown>);
        return sendJson(reply, 200, { journalSize: journal.capacity, latestSeq: journal.latestSeq, requests: journal.records(filter) });
      } catch (err) {
        if (err instanceof JournalFilterError) return sendJson(reply, 400, { error: 'InvalidFilter', message: err.message });
        throw err;
      }
    },
  });

  const streams = new Set<ServerResponse>();
  // An open stream would keep app.close() waiting for its client to go away.
  app.addHook('preClose', (done) => {
    for (const stream of streams) stream.end();
    streams.clear();
    done();
  });

  app.get(`${REQUESTS_PATH}/stream`, async (request, reply) => {
    if (journal === null) return journalOff(reply);
    let matches: (entry: StoredEntry) => boolean;
    let backlog: StoredEntry[] = [];
    try {
      const filter = filterFromQuery(request.query as Record<string, unknown>);
      matches = journal.matcher(filter);
      // A reconnecting EventSource says where it was; a first connection may say `since`.
      const lastEventId = request.headers['last-event-id'];
      const since = typeof lastEventId === 'string' && /^[0-9]+$/.test(lastEventId) ? lastEventId : filter.since;
      if (since !== undefined) backlog = journal.entries({ ...filter, since });
    } catch (err) {
      if (err instanceof JournalFilterError) return sendJson(reply, 400, { error: 'InvalidFilter', message: err.message });
      throw err;
    }

    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    stream.write('retry: 2000\n\n');
    const send = (entries: readonly StoredEntry[]) => {
      let chunk = '';
      for (const entry of entries) {
        if (matches(entry)) chunk += `id: ${entry.seq}\nevent: request\ndata: ${JSON.stringify(journal.toRecord(entry))}\n\n`;
      }
      if (chunk === '') return;
      if (stream.writableLength > STREAM_BACKLOG_LIMIT) {
        stream.destroy();
        return;
      }
      stream.write(chunk);
    };
    send(backlog);
    streams.add(stream);
    const unsubscribe = journal.subscribe({
      entries: send,
      cleared: () => stream.write(`event: cleared\ndata: {}\n\n`),
    });
    const keepalive = setInterval(() => stream.write(': keep-alive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    stream.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(stream);
    });
  });
}
