import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * Every visible string of the web app goes through i18next: both catalogs hold the same keys,
 * every key the code names exists, and no component writes words straight into its markup.
 */
const CLIENT = path.resolve(__dirname, "../../client/src");
const PLURAL = /_(zero|one|two|few|many|other)$/;


function flattenValues(tree: Record<string, unknown>, prefix = ""): Record<string, string> {
  return Object.assign(
    {},
    ...Object.entries(tree).map(([key, value]) =>
      typeof value === "string" ? { [`${prefix}${key}`]: value } : flattenValues(value as Record<string, unknown>, `${prefix}${key}.`),
    ),
  );
}

/** A language's catalog: one file per area of the app, merged by their top-level keys. */
function catalogParts(language: string): Array<{ file: string; tree: Record<string, unknown> }> {
  const dir = path.join(CLIENT, "locales", language);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ file: name, tree: JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) }));
}

function catalog(language: string): Record<string, unknown> {
  return Object.assign({}, ...catalogParts(language).map((part) => part.tree));
}

function catalogKeys(language: string): Set<string> {
  return new Set(Object.keys(flattenValues(catalog(language))).map((key) => key.replace(PLURAL, "")));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Attributes whose text people read or hear. */
const TEXT_ATTRIBUTES = new Set(["label", "title", "placeholder", "description", "aria-label", "alt", "error", "message", "closeButtonLabel"]);
const LETTER = /\p{L}/u;

interface Finding {
  file: string;
  line: number;
  text: string;
}

function inspect(file: string): { literals: Finding[]; keys: Array<{ key: string; dynamic: boolean; file: string }> } {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const literals: Finding[] = [];
  const keys: Array<{ key: string; dynamic: boolean; file: string }> = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTER.test(node.text)) literals.push({ file, line: at(node), text: node.text.trim() });
    if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      const value = ts.isStringLiteral(node.initializer)
        ? node.initializer
        : ts.isJsxExpression(node.initializer) && node.initializer.expression && ts.isStringLiteralLike(node.initializer.expression)
          ? node.initializer.expression
          : null;
      if (value && LETTER.test(value.text)) literals.push({ file, line: at(node), text: value.text });
    }
    if (ts.isJsxExpression(node) && node.expression && ts.isStringLiteralLike(node.expression) && ts.isJsxElement(node.parent) && LETTER.test(node.expression.text)) {
      literals.push({ file, line: at(node), text: node.expression.text });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "t" && node.arguments.length > 0) {
      const [first] = node.arguments;
      if (ts.isStringLiteral(first)) keys.push({ key: first.text, dynamic: false, file });
      else if (ts.isTemplateExpression(first)) keys.push({ key: first.head.text, dynamic: true, file });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { literals, keys };
}

const files = sourceFiles(CLIENT);
const en = catalogKeys("en");
const zh = catalogKeys("zh");

test("the English and Chinese catalogs hold the same keys", () => {
  expect([...en].filter((key) => !zh.has(key))).toEqual([]);
  expect([...zh].filter((key) => !en.has(key))).toEqual([]);
  expect(en.size).toBeGreaterThan(100);
});

test("each language has the same catalog files, and no two files of a language share a top-level key", () => {
  for (const language of ["en", "zh"]) {
    const owners = new Map<string, string[]>();
    for (const { file, tree } of catalogParts(language)) for (const key of Object.keys(tree)) owners.set(key, [...(owners.get(key) ?? []), file]);
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  }
  expect(catalogParts("zh").map((part) => part.file)).toEqual(catalogParts("en").map((part) => part.file));
});

/** Chinese entries that may stay in Latin letters: the product's name and the language's own name. */
const LATIN_IN_CHINESE = new Set(["app.name", "language.en"]);

test("every Chinese entry with words is written in Chinese, not left in English", () => {
  const chinese = flattenValues(catalog("zh"));
  const untranslated = Object.entries(chinese).filter(
    ([key, text]) => !LATIN_IN_CHINESE.has(key) && /\p{Script=Latin}{2}/u.test(text.replace(/{{\w+}}/g, "")) && !/\p{Script=Han}/u.test(text),
  );
  expect(untranslated).toEqual([]);
});

test("every key the code names is in the catalogs (dynamic keys: some key under their prefix)", () => {
  const used = files.flatMap((file) => inspect(file).keys);
  expect(used.length).toBeGreaterThan(100);
  const missing = used.filter(({ key, dynamic }) => (dynamic ? ![...en].some((k) => k.startsWith(key)) : !en.has(key)));
  expect(missing).toEqual([]);
});

test("the status labels are the product's words", () => {
  const tree = catalog("en") as { status: Record<string, string> };
  expect(Object.values(tree.status)).toEqual(
    expect.arrayContaining(["Records collection", "Case organisation", "Translation", "Pathway assessment", "Option mapping", "Options delivered", "Closed", "On hold", "Withdrawn"]),
  );
});

test("no component writes visible words outside the catalogs", () => {
  const literals = files.flatMap((file) => inspect(file).literals).map(({ file, line, text }) => `${path.relative(CLIENT, file)}:${line} ${text}`);
  expect(literals).toEqual([]);
});

test("the check finds literal text when there is some", () => {
  const probe = path.join(fs.mkdtempSync(path.join(require("node:os").tmpdir(), "i18n-probe-")), "Probe.tsx");
  fs.writeFileSync(probe, `export const P = () => <div title="Hello">Welcome back <b>{"friend"}</b>{t("known.key")}</div>;\n`);
  const { literals, keys } = inspect(probe);
  expect(literals.map((l) => l.text)).toEqual(["Hello", "Welcome back", "friend"]);
  expect(keys).toEqual([{ key: "known.key", dynamic: false, file: probe }]);
  fs.rmSync(path.dirname(probe), { recursive: true });
});
