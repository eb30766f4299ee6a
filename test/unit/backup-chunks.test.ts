import { rowChunksOf } from "../../server/db/backup";

async function* source(parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

const chunks = async (parts: string[], size: number) => {
  const out: string[] = [];
  for await (const chunk of rowChunksOf(source(parts), size)) out.push(chunk.toString());
  return out;
};

describe("COPY output split into tar entries", () => {
  test("entries hold whole rows, about the size asked, and together the whole output", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i}\tpatient note ${"x".repeat(i % 37)}\t\\N\n`);
    // The stream's own chunks cut rows anywhere.
    const text = rows.join("");
    const parts = text.match(/[\s\S]{1,53}/g)!;
    const out = await chunks(parts, 256);
    expect(out.join("")).toBe(text);
    expect(out.length).toBeGreaterThan(10);
    for (const chunk of out) {
      expect(chunk.endsWith("\n")).toBe(true);
      expect(chunk.length).toBeLessThanOrEqual(256);
    }
  });

  test("a row longer than the size is an entry of its own, never cut", async () => {
    const long = `1\t${"y".repeat(1000)}\n`;
    const out = await chunks(["0\tshort\n", long.slice(0, 400), long.slice(400), "2\tshort\n"], 256);
    expect(out.join("")).toBe(`0\tshort\n${long}2\tshort\n`);
    expect(out).toContain(long);
    for (const chunk of out) expect(chunk.endsWith("\n")).toBe(true);
  });
});
