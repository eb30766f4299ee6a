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
  let failed = 0;
  const clients = [];
  // Connect in waves, as users arrive: a storm of 10,000 simultaneous sign-ins only measures the pool's queue.
  for (let start = 0; start < tokens.length; start += 500) {
    for (const token of tokens.slice(start, start + 500)) {
      const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 5, connectionParams: { authorization: `Bearer ${token}` }, onNonLazyError: () => {} });
      client.subscribe(
        { query, variables: { caseId } },
        {
          next: (result) => {
            const note = result.data?.caseStatusChanged?.note;
            if (note && note !== "warm-up") received.push(Date.now() - Number(note));
          },
          error: () => failed++,
          complete: () => {},
        },
      );
      client.on("connected", () => ready++);
      clients.push(client);
    }
    const deadline = Date.now() + 60_000;
    while (ready + failed < clients.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }
  sockets = clients;
  return { ready, failed };
}

async function close() {
  for (const s of sockets) (s.dispose ? s.dispose() : s.close());
  sockets = [];
  await new Promise((r) => setTimeout(r, 500));
}

// A socket error (say, out of file descriptors) fails that client; it must not kill the process.
process.on("uncaughtException", (error) => process.stderr.write(`client process: ${error.code ?? error.message}\n`));

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.cmd === "graphql") return send({ ok: true, ...(await connectGraphql(message)) });
  if (message.cmd === "collect") {
    const latencies = received.splice(0);
    return send({ ok: true, latencies });
  }
  if (message.cmd === "close") await close();
  if (message.cmd === "exit") process.exit(0);
  send({ ok: true });
});
