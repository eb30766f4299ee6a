import { ConfigError, loadConfig } from "../../server/config";

describe("MERIDIAN_DOCUMENT_STORE", () => {
  test("defaults to the file store and takes fs or postgres", () => {
    expect(loadConfig({ NODE_ENV: "test" }).documentStore).toBe("fs");
    expect(loadConfig({ NODE_ENV: "test", MERIDIAN_DOCUMENT_STORE: "" }).documentStore).toBe("fs");
    expect(loadConfig({ NODE_ENV: "test", MERIDIAN_DOCUMENT_STORE: "fs" }).documentStore).toBe("fs");
    expect(loadConfig({ NODE_ENV: "test", MERIDIAN_DOCUMENT_STORE: "postgres" }).documentStore).toBe("postgres");
  });

  test.each(["s3", "Postgres", "pg", "file"])("refuses %s naming the variable", (value) => {
    expect(() => loadConfig({ NODE_ENV: "test", MERIDIAN_DOCUMENT_STORE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", MERIDIAN_DOCUMENT_STORE: value })).toThrow(/MERIDIAN_DOCUMENT_STORE must be fs or postgres/);
  });
});
