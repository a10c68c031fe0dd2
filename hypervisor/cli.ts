// The `vu` command line.
import { Command, Option } from 'commander';
import { VirtualMachine } from './vm.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command();
program
  .name('vu')
  .description('A partial virtual machine: run unmodified Linux programs, serving some of their system calls from modules.')
  .enablePositionalOptions()
  .showHelpAfterError();

program
  .command('run')
  .description('run CMD inside a partial virtual machine')
  .usage('[options] -- CMD [ARGS...]')
  .argument('[cmd...]', 'the program to run and its arguments')
  .option('--trace [file]', 'print every call (to stderr, or to FILE): pid, call, arguments, result, real or module')
  .option('--summary', 'count the calls and print a table when the guest ends')
  .option('--mount <spec>', 'mount a module instance: type=TYPE,source=SOURCE,target=PATH[,KEY=VALUE…] (repeatable)', collect, [])
  .option('--stack <path>', 'the guest\'s socket() calls (but AF_UNIX) go to the network stack mounted at PATH')
  .option('--insmod <module>', 'load a module by built-in name or by path to a .js/.ts file (repeatable)', collect, [])
  .addOption(new Option('--filter <mode>', 'which calls stop when not tracing: idle (nothing mounted: only management calls stop) or full (every call that may be virtual stops; the C fast path resumes those that are not). With mounts the default stops path calls, and fd calls only on fds that are virtual').choices(['idle', 'full']))
  .passThroughOptions()
  .action(async (cmd: string[], opts: { trace?: boolean | string; summary?: boolean; filter?: 'idle' | 'full'; mount: string[]; insmod: string[]; stack?: string }) => {
    if (cmd.length === 0) {
      process.stderr.write('vu run: no command given\n\n');
      process.stderr.write(program.commands.find((c) => c.name() === 'run')!.helpInformation());
      process.exit(2);
    }
    const vm = new VirtualMachine({
      command: cmd, trace: opts.trace, summary: opts.summary, filter: opts.filter, mounts: opts.mount, insmod: opts.insmod, stack: opts.stack,
    });
    process.exit(await vm.run());
  });

program
  .command('info')
  .description('show what this host supports for vu (seccomp, ptrace, pidfd_getfd, user namespaces, FUSE, vpoll backend)')
  .action(async () => {
    const { hostInfo, formatInfo } = await import('./info.js');
    process.stdout.write(formatInfo(hostInfo()));
  });

program
  .command('demo')
  .description('a short tour: real programs inside vu, with a trace summary')
  .action(async () => {
    const { runDemo } = await import('./demo.js');
    process.exit(await runDemo());
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`vu: ${(e as Error).message}\n`);
  process.exit(125);
});
