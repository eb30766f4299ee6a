import { foldForSearch, searchTerms, searchTextOf } from "../../server/common/search";

describe("foldForSearch", () => {
  test.each([
    ["Hélène", "helene"],
    ["TREMBLAY", "tremblay"],
    ["Zoë Ñúñez-Çelik", "zoe nunez-celik"],
    ["Øyvind Łukasz Straße", "oyvind lukasz strasse"],
    ["ＴＲＥＭＢＬＡＹ", "tremblay"],
    ["  王   小明 ", "王 小明"],
    ["王小明", "王小明"],
    // Decomposed input (a base letter and a combining mark) folds like the composed one.
    ["He\u0301le\u0300ne", "helene"],
  ])("%s folds to %s", (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  test("stored text keeps its fields apart, so a search cannot match across two of them", () => {
    expect(searchTextOf("Hélène Tremblay", "h.tremblay@example.ca")).toBe("helene tremblay\nh.tremblay@example.ca");
    for (const term of searchTerms("tremblay h.tremblay", "search")) expect(term).not.toContain("\n");
  });
});

describe("searchTerms", () => {
  test("folds, splits on spacing and drops repeats; blank is no search", () => {
    expect(searchTerms("  TREMBLAY   Hélène tremblay ", "search")).toEqual(["tremblay", "helene"]);
    expect(searchTerms("   ", "search")).toEqual([]);
    expect(searchTerms(null, "search")).toEqual([]);
  });

  test("too long or too many words is BAD_USER_INPUT on the given field", () => {
    expect(() => searchTerms("x".repeat(201), "search")).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "search" }));
    expect(() => searchTerms("a b c d e f g h i j k", "filter.search")).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "filter.search" }));
    expect(searchTerms("x".repeat(200), "search")).toEqual(["x".repeat(200)]);
  });
});
