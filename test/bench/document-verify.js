// The cost of checking a document's integrity before sending it: a first pass over the stored
// bytes (GCM tag, decrypted to nowhere) against the download's own pass, for both stores.
const crypto = require("node:crypto");
const path = require("node:path");
const { Readable, Writable } = require("node:stream");
const { pipeline } = require("node:stream/promises");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { createKeyRing } = require(path.join(dist, "auth", "field-crypto.js"));
const { createDocumentStore, createFileBackend } = require(path.join(dist, "records", "document-store.js"));
const { createPostgresBackend } = require(path.join(dist, "records", "postgres-document-store.js"));

const SIZES_MB = [1, 10, 50];
const ROUNDS = 5;

const nowhere = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(work) {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
  const database = await openBenchDatabase({ poolSize: 4 });
  const keyRing = createKeyRing(crypto.randomBytes(32).toString("base64"));
  const stores = {
    fs: createDocumentStore(createFileBackend(path.join(database.root, "documents")), keyRing),
    postgres: createDocumentStore(createPostgresBackend(database.db), keyRing),
  };
  try {
    console.log("store     size   verify (first pass)   read (the download's pass)   verify / read");
    for (const [name, store] of Object.entries(stores)) {
      for (const mb of SIZES_MB) {
        const bytes = crypto.randomBytes(mb * 1024 * 1024);
        const { storage } = await store.write(crypto.randomUUID(), Readable.from([bytes]), bytes.length);
        const verify = [];
        const read = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          verify.push(await timed(() => store.verify(storage)));
          read.push(await timed(() => pipeline(store.read(storage), nowhere())));
        }
        const [v, r] = [median(verify), median(read)];
        console.log(`${name.padEnd(9)} ${String(mb).padStart(2)} MB   ${v.toFixed(1).padStart(8)} ms   ${r.toFixed(1).padStart(18)} ms   ${(v / r).toFixed(2).padStart(16)}`);
        await store.remove(storage);
      }
    }
  } finally {
    await database.close();
  }
}

run(main);
