/// <reference types="node" />
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const api = process.env.MERIDIAN_API_URL ?? "http://localhost:4000";

// The entry chunk carries React DOM, Apollo Client and the router (~210 kB gzip); every page is its own chunk.
// `npm run dev:client`: the app with hot reload; the API, documents and WebSocket go to the Meridian server.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    port: 5173,
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: false },
      "/documents": { target: api, changeOrigin: false },
      "/healthz": api,
      "/readyz": api,
    },
  },
});
