import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const api = process.env.MERIDIAN_API_URL ?? "http://localhost:4000";

// `npm run dev:client`: the app with hot reload; the API, documents and WebSocket go to the Meridian server.
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
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
