/**
 * How to start a worker thread on a module that sits next to the caller: `<name>.ts` when running
 * from source under tsx (the worker then needs the tsx loader too), `<name>.js` from the compiled
 * `dist/`.
 */
import type { WorkerOptions } from 'node:worker_threads';

const fromSource = (callerUrl: string) => callerUrl.endsWith('.ts');
/** Flags a worker needs to run the same code: loaders, module conditions, source maps. */
const WORKER_FLAG =
  /^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C|--enable-source-maps)(=|$)/;
/** Those of them whose value may follow as the next argument. */
const TAKES_VALUE = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
]);

/**
 * The parent's node flags a worker needs. Not all of them: a worker refuses process-wide flags
 * (ERR_WORKER_INVALID_EXEC_ARGV), and Node 24's test runner hands its files an execArgv holding
 * every option's default (`--stack-trace-limit=10`, `--secure-heap=0`, ...).
 */
export function inheritedFlags(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (!WORKER_FLAG.test(argv[i])) continue;
    kept.push(argv[i]);
    if (TAKES_VALUE.has(argv[i]) && i + 1 < argv.length) kept.push(argv[++i]);
  }
  return kept;
}

/** For a pool that imports the file itself (Piscina): the file and the flags its workers need. */
export function workerModule(callerUrl: string, name: string): { filename: string; execArgv?: string[] } {
  const source = fromSource(callerUrl);
  const filename = new URL(`./${name}${source ? '.ts' : '.js'}`, callerUrl).href;
  if (!source) return { filename };
  // Under `node --import tsx` workers inherit execArgv, but a parent started some other way
  // (tsx CLI, a programmatic loader) may not pass it on: always give the worker the loader.
  const inherited = inheritedFlags();
  const hasTsx = inherited.some((a) => a === 'tsx' || a.includes('/tsx/') || a.startsWith('--import=tsx'));
  return { filename, execArgv: hasTsx ? inherited : [...inherited, '--import', 'tsx'] };
}

/**
 * For `new Worker(entry, options)`. A worker's entry file does not go through the loader hooks
 * of `--import tsx`, so from source the entry is a one-line script that registers tsx and then
 * imports the `.ts` module.
 */
export function workerScript(callerUrl: string, name: string): [URL | string, WorkerOptions] {
  if (!fromSource(callerUrl)) return [new URL(`./${name}.js`, callerUrl), {}];
  const url = new URL(`./${name}.ts`, callerUrl).href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(url)}); });`;
  return [code, { execArgv: inheritedFlags(), eval: true }];
}
