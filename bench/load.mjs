/**
 * The load generator: N connections, each sending its next request as soon as the previous answer
 * is in, for D seconds. Requests are built (and signed) one by one by the scenario, in the shape
 * autocannon uses: `{ setupRequest(request, context), onResponse?(status, body, context) }`, a
 * sequence each connection walks through with its own `context`.
 *
 * Ours rather than autocannon: moto's server (werkzeug) closes the connection after every answer,
 * and autocannon loses a request each time that happens (it measured moto at ~5 req/s). Here a
 * closed connection is simply reopened for the next request, as an SDK does. It speaks just enough
 * HTTP/1.1 for these servers (answers framed by Content-Length), over raw sockets, so the client's
 * own cost stays small next to the servers' (node:http's client halved the ceiling's rate on two
 * cores). Latencies are exact (hrtime, every sample kept and sorted).
 */
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection that reconnects when the server closes it. */
function openConnection(hostname, port) {
  let socket;
  let buffered = Buffer.alloc(0);
  let pending; // { resolve, reject, wantBody }
  let closeAfterAnswer = false;

  const fail = (err) => {
    const waiting = pending;
    pending = undefined;
    socket = undefined;
    waiting?.reject(err);
  };
  const connect = () => {
    buffered = Buffer.alloc(0);
    closeAfterAnswer = false;
    socket = net.connect(port, hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      tryParse();
    });
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the answer')));
  };
  const tryParse = () => {
    if (!pending) return;
    const headerEnd = buffered.indexOf(HEADER_END);
    if (headerEnd === -1) return;
    const head = buffered.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return fail(new Error(`answer without Content-Length: ${head.slice(0, 200)}`));
    const total = headerEnd + 4 + Number(length[1]);
    if (buffered.length < total) return;
    const status = Number(head.slice(9, 12));
    closeAfterAnswer = /\r\nconnection:\s*close/i.test(head) || head.startsWith('HTTP/1.0');
    const body = pending.wantBody ? buffered.toString('utf8', headerEnd + 4, total) : '';
    buffered = buffered.subarray(total);
    const { resolve } = pending;
    pending = undefined;
    if (closeAfterAnswer) {
      socket.removeAllListeners('close');
      socket.destroy();
      socket = undefined;
    }
    resolve({ status, body });
  };

  return {
    send(requestBytes, wantBody) {
      if (!socket) connect();
      return new Promise((resolve, reject) => {
        pending = { resolve, reject, wantBody };
        socket.write(requestBytes);
      });
    },
    close() {
      socket?.removeAllListeners('close');
      socket?.destroy();
    },
  };
}

function requestBytes(host, request) {
  const body = Buffer.from(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\ncontent-length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) if (name !== 'host' && name.toLowerCase() !== 'content-length') head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), body]);
}

export async function measure(target, requests, { connections, durationSeconds }) {
  const { hostname, port, host } = new URL(target.url);
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;

  const runConnection = async () => {
    const connection = openConnection(hostname, Number(port));
    let context = {};
    for (let step = 0; performance.now() < deadline; step = (step + 1) % requests.length) {
      if (step === 0) context = {};
      const { setupRequest, onResponse } = requests[step];
      const bytes = requestBytes(host, setupRequest({}, context));
      const sentAt = performance.now();
      try {
        const { status, body } = await connection.send(bytes, onResponse !== undefined);
        if (status >= 200 && status < 300) {
          ok += 1;
          latencies.push(performance.now() - sentAt);
        } else {
          failed += 1;
        }
        onResponse?.(status, body, context);
      } catch (err) {
        failed += 1;
        if (process.env.BENCH_DEBUG) console.error(err);
      }
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: connections }, runConnection));
  const elapsedSeconds = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  const percentile = (p) => (latencies.length === 0 ? undefined : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]);
  return { requestsPerSecond: ok / elapsedSeconds, p50Ms: percentile(50), p99Ms: percentile(99), ok, failed, elapsedSeconds, latencies };
}
