import fs from "node:fs";
import path from "node:path";
import express, { type Request, type Response } from "express";
import helmet from "helmet";

/** Paths the API owns: never answered with the app, so a wrong API path stays a JSON 404. */
const API_PATHS = /^\/(graphql|documents|healthz|readyz|metrics)(\/|$)/;

/**
 * The app's Content-Security-Policy: its own scripts only; styles from itself plus the inline
 * style attributes and CSS variables Mantine writes; API calls and the WebSocket to the same
 * origin; documents download from the same origin.
 */
const appPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:", "blob:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'", "ws:", "wss:"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * The built web app: hashed assets cached for a year (their names change with their content),
 * index.html never cached (it names the current assets), and every other GET outside the API
 * asking for HTML answered with index.html so that /activate, /cases/… and a reload anywhere
 * open the app.
 */
export function webAppRoutes(clientDir: string): express.Router {
  const router = express.Router();
  const indexFile = path.join(clientDir, "index.html");
  router.use(
    "/assets",
    express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "365d", index: false }),
  );
  router.use(express.static(clientDir, { index: false, maxAge: 0, setHeaders: (res) => res.setHeader("Cache-Control", "no-cache") }));
  router.get(/.*/, appPolicy, (req: Request, res: Response, next) => {
    // Only a browser asking for a page gets the app; an API client (Accept: */* or JSON) gets JSON 404.
    if (API_PATHS.test(req.path) || req.path.startsWith("/assets/") || req.accepts(["json", "html"]) !== "html") return next();
    if (!fs.existsSync(indexFile)) {
      res.status(503).type("text/plain").send("The web app is not built: run npm run build:client (npm start does it).\n");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexFile);
  });
  return router;
}
