// Builds the SPA into the Python package (src/audino/web), with Swagger UI for offline /docs.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const here = dirname(fileURLToPath(import.meta.url));
// CI builds into a temporary folder to check that the committed build is current.
const outDir = process.env.AUDINO_WEB_OUT ?? resolve(here, "../src/audino/web");

// Text assets worth compressing; fonts and images are already compressed or tiny.
const COMPRESSIBLE = new Set([".js", ".css", ".svg", ".json", ".map"]);
const MIN_BYTES = 1024;

/** Writes NAME.br and NAME.gz beside every text asset, byte for byte the same on every build. */
function precompress(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      precompress(path);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(entry.name)) || statSync(path).size < MIN_BYTES) continue;
    const plain = readFileSync(path);
    // Node's gzip header carries no name and a zero mtime, so the bytes depend on the input only.
    const gz = gzipSync(plain, { level: 9 });
    const br = brotliCompressSync(plain, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
      },
    });
    // A variant that saves little is not worth a second lookup on the server.
    if (gz.length < plain.length * 0.9) writeFileSync(`${path}.gz`, gz);
    if (br.length < plain.length * 0.9) writeFileSync(`${path}.br`, br);
  }
}

function staticFiles(): Plugin {
  return {
    name: "audino-static-files",
    apply: "build",
    // One hook, in order: Swagger UI is copied first so that it is compressed too.
    closeBundle() {
      const from = resolve(here, "node_modules/swagger-ui-dist");
      const to = resolve(outDir, "vendor/swagger");
      mkdirSync(to, { recursive: true });
      for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
        copyFileSync(resolve(from, file), resolve(to, file));
      }
      precompress(resolve(outDir, "assets"));
      precompress(resolve(outDir, "vendor"));
    },
  };
}

export default defineConfig({
  plugins: [react(), staticFiles()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", "/openapi.json": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
