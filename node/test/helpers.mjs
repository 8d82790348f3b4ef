// Test helpers: each test file starts its own portkey-mock and talks to its admin routes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const packageDir = path.resolve(here, '..');
export const repoDir = path.resolve(packageDir, '..');
export const API_KEY = 'pk-test-SECRET-4b1d-node';

/**
 * Starts `portkey-mock --port 0` (plus `args`, e.g. `['--fixtures', file]`); resolves once it
 * printed `listening on http://...`.
 */
export async function startMock(args = []) {
  const bin = process.env.PORTKEY_MOCK_BIN || path.join(repoDir, 'target', 'release', 'portkey-mock');
  if (!existsSync(bin)) {
    throw new Error(`portkey-mock not found at ${bin}: run \`cargo build --release -p portkey-mock\` or set PORTKEY_MOCK_BIN`);
  }
  const proc = spawn(bin, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('portkey-mock did not start within 10 s')), 10_000);
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`portkey-mock exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line from portkey-mock: ${line}`));
    });
  });
  proc.removeAllListeners('exit');
  lines.on('line', () => {}); // keep draining stdout
  const admin = async (method, route, body) => {
    const res = await fetch(`${origin}/__mock/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`mock ${method} /__mock/${route}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  return {
    origin,
    baseURL: `${origin}/v1`,
    reset: () => admin('POST', 'reset'),
    fault: (f) => admin('POST', 'faults', f),
    requests: () => admin('GET', 'requests'),
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', resolve);
      proc.kill();
    }),
  };
}

/** Runs `node file` (or `node -e code`) and resolves with its exit code, output and duration. */
export function runNode(args, { env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: cwd || packageDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ code, signal, stdout, stderr, ms });
    });
  });
}
