/**
 * `journeyctl completion [bash|zsh]`: the scripts are printed, and completing `journeyctl jou`
 * offers `journeys` — through the CLI's completion request, and (where bash is installed) through
 * the bash script itself, with `journeyctl` on PATH. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';

const bash = ['/bin/bash', '/usr/bin/bash'].find((path) => existsSync(path));

describe('journeyctl completion', () => {
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'journeyctl-completion-'));
    const shim = join(bin, 'journeyctl');
    await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`);
    await chmod(shim, 0o755);
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  it('prints the bash script', async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('_journeyctl_yargs_completions');
    expect(result.stdout).toContain('complete -o bashdefault -o default -F _journeyctl_yargs_completions journeyctl');
  });

  it('prints the zsh script', async () => {
    const result = await runCli(['completion', 'zsh'], { env: { SHELL: '/bin/bash' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('#compdef journeyctl')).toBe(true);
  });

  it('offers journeys for "journeyctl jou", and the subcommands after "journeyctl journeys"', async () => {
    const top = await runCli(['--get-yargs-completions', 'journeyctl', 'jou'], { env: { SHELL: '/bin/bash', ZSH_NAME: undefined } });
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout.split('\n')).toContain('journeys');
    const sub = await runCli(['--get-yargs-completions', 'journeyctl', 'journeys', 'go'], { env: { SHELL: '/bin/bash', ZSH_NAME: undefined } });
    expect(sub.stdout.split('\n')).toContain('go-live');
  });

  it.skipIf(!bash || process.platform === 'win32')('the bash script completes "journeyctl jou" to journeys', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const file = join(bin, 'completion.bash');
    await writeFile(file, script);
    const program = `source ${JSON.stringify(file)}; COMP_WORDS=(journeyctl jou); COMP_CWORD=1; _journeyctl_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(bash!, ['-c', program], { env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, SHELL: '/bin/bash' } }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    expect(stdout.trim().split('\n')).toEqual(['journeys']);
  });
});
