// Subscriber side of the fan-out benchmark: a separate process holding N sockets.
// Protocol on stdin/stdout (JSON lines): driver sends {cmd}, we answer {ok, ...}.
const readline = require("node:readline");
const WebSocket = require("ws");

const received = [];
let sockets = [];

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * A bare graphql-transport-ws subscriber: connection_init, one subscribe, then "next"
 * messages. Real subscribers are spread over many machines; holding 10,000 of them in
 * one process, the client library's own work would be what is measured.
 */
function subscriber(url, token, query, variables, events, attempt = 1) {
  const socket = new WebSocket(url, "graphql-transport-ws");
  let acknowledged = false;
  socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === "next") {
      const note = message.payload.data?.caseStatusChanged?.note;
      if (note && note !== "warm-up") received.push([note, Date.now()]);
    } else if (message.type === "connection_ack") {
      acknowledged = true;
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
      events.ready();
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "error") {
      events.failed();
    }
  });
  socket.on("close", (code) => {
    if (code === 1000 || code === 1005) return;
    // As graphql-ws clients do, one that could not get in (1013, a timeout of the overloaded machine) tries again.
    if (!acknowledged && attempt < 10) return setTimeout(() => events.replace(socket, subscriber(url, token, query, variables, events, attempt + 1)), 500 * attempt);
    events.failed();
  });
  socket.on("error", () => {});
  return socket;
}

async function connectGraphql({ url, tokens, caseId, query }) {
  let ready = 0;
  let failed = 0;
  const clients = [];
  const events = { ready: () => ready++, failed: () => failed++, replace: (old, next) => (clients[clients.indexOf(old)] = next) };
  // Connect in waves, as users arrive: a storm of 10,000 simultaneous sign-ins only measures the pool's queue.
  for (let start = 0; start < tokens.length; start += 500) {
    for (const token of tokens.slice(start, start + 500)) clients.push(subscriber(url, token, query, { caseId }, events));
    const deadline = Date.now() + 60_000;
    while (ready + failed < clients.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }
  sockets = clients;
  return { ready, failed };
}

async function close() {
  for (const socket of sockets) socket.close(1000);
  sockets = [];
  await new Promise((r) => setTimeout(r, 500));
}

// A socket error (say, out of file descriptors) fails that client; it must not kill the process.
process.on("uncaughtException", (error) => process.stderr.write(`client process: ${error.code ?? error.message}\n`));

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.cmd === "graphql") return send({ ok: true, ...(await connectGraphql(message)) });
  if (message.cmd === "collect") {
    return send({ ok: true, receipts: received.splice(0) });
  }
  if (message.cmd === "close") await close();
  if (message.cmd === "exit") process.exit(0);
  send({ ok: true });
});
