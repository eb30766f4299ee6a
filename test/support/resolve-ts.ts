import Module from "node:module";

/**
 * jest's moduleNameMapper does not apply to globalSetup, which runs in the parent
 * process: map the sources' `./x.js` specifiers to `./x.ts` there too.
 */
const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function resolve(request: string, ...rest: unknown[]) {
  try {
    return original.call(this, request, ...rest);
  } catch (error) {
    if (request.startsWith(".") && request.endsWith(".js")) return original.call(this, request.slice(0, -3), ...rest);
    throw error;
  }
};
