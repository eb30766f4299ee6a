// `npm run screenshots` runs this first: without a CJK font Chromium draws Chinese as empty
// boxes while every text check still passes, so the screenshots would look broken.
const { execFileSync } = require("node:child_process");

const INSTALL = "e.g. on Debian or Ubuntu: apt-get install fonts-wqy-microhei (1.6 MB; fonts-noto-cjk also works).";

let fonts;
try {
  fonts = execFileSync("fc-list", [":lang=zh"], { encoding: "utf8" });
} catch {
  process.stderr.write(`screenshots: fc-list (fontconfig) is missing, so no CJK font can be found: install fontconfig and a CJK font, ${INSTALL}\n`);
  process.exit(1);
}
if (!fonts.trim()) {
  process.stderr.write(`screenshots: no font with Chinese glyphs is installed (fc-list :lang=zh lists none), so Chinese would render as boxes: install one, ${INSTALL}\n`);
  process.exit(1);
}
