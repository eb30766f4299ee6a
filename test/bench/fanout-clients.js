// Subscriber side of the fan-out benchmark: a separate process holding N sockets.
// Protocol on stdin/stdout (JSON lines): driver sends {cmd}, we answer {ok, ...}.
const readline = require("node:readline");
const WebSocket = require("ws");
const { createClient } = require("graphql-ws");

const received = [];
let sockets = [];

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function connectGraphql({ url, tokens, caseId, query }) {
  let ready = 0;
  const clients = tokens.map((token) => {
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` }, onNonLazyError: () => {} });
    client.subscribe(
      { query, variables: { caseId } },
      {
        next: (result) => {
          const note = result.data?.caseStatusChanged?.note;
          if (note) received.push(Date.now() - Number(note));
        },
        error: () => {},
        complete: () => {},
      },
    );
    client.on("connected", () => ready++);
    return client;
  });
  while (ready < clients.length) await new Promise((r) => setTimeout(r, 50));
  sockets = clients;
}

async function connectRaw({ url, count }) {
  let ready = 0;
  sockets = Array.from({ length: count }, () => {
    const ws = new WebSocket(url);
    ws.on("open", () => ready++);
    ws.on("message", (data) => {
      const { note } = JSON.parse(data.toString());
      received.push(Date.now() - Number(note));
    });
    return ws;
  });
  while (ready < count) await new Promise((r) => setTimeout(r, 50));
}

async function close() {
  for (const s of sockets) (s.dispose ? s.dispose() : s.close());
  sockets = [];
  await new Promise((r) => setTimeout(r, 500));
}

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.cmd === "graphql") await connectGraphql(message);
  if (message.cmd === "raw") await connectRaw(message);
  if (message.cmd === "collect") {
    const latencies = received.splice(0);
    return send({ ok: true, latencies });
  }
  if (message.cmd === "close") await close();
  if (message.cmd === "exit") process.exit(0);
  send({ ok: true });
});
