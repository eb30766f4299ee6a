import type { TestServer } from "./server";

export interface ProbeReport {
  requests: number;
  failures: string[];
  p50: number;
  max: number;
}

/**
 * Another user's `{ viewer { id } }` every `everyMs` while an attack runs: its latency is
 * reported (never asserted: the machine is shared), and whether it ever failed is.
 */
export function startProbe(server: TestServer, token: string, everyMs = 100): { stop(): Promise<ProbeReport> } {
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await server.gql(`{ viewer { id } }`, {}, token);
        if (response.errors?.length || !response.data?.viewer) failures.push(JSON.stringify(response.errors ?? response.data));
      } catch (error) {
        failures.push(String(error));
      }
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      return { requests: sorted.length, failures, p50: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), max: Math.round(sorted[sorted.length - 1] ?? 0) };
    },
  };
}

export const describeProbe = (what: string, report: ProbeReport) =>
  `probe during ${what}: ${report.requests} requests, p50 ${report.p50} ms, max ${report.max} ms, ${report.failures.length} failed`;
