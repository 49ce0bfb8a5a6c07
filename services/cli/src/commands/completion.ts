import { Argument, type Command } from 'commander';

/** The shells `vrouter completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface OptionSpec {
  /** `--scope`, and `-h` beside `--help`. */
  names: string[];
  /** Takes a value: the next word is the value, not a command. */
  value: boolean;
  choices: readonly string[];
  description: string;
}

/** One command of the tree, named by its path below the program (`''` for the program, `pins set`). */
interface CommandSpec {
  path: string;
  commands: { name: string; description: string }[];
  options: OptionSpec[];
  /** The choices of each positional argument, by position (empty when it takes any value). */
  arguments: (readonly string[])[];
}

const HELP: OptionSpec = { names: ['-h', '--help'], value: false, choices: [], description: 'show help for a command' };

/** The command tree as completion needs it, from commander's own model: what the scripts offer cannot drift from what parses. */
export function completionSpec(program: Command): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const visit = (command: Command, path: string[]) => {
    const commands = command.commands.map((c) => ({ name: c.name(), description: c.description() }));
    if (commands.length > 0) commands.push({ name: 'help', description: 'show help for a command' });
    const options: OptionSpec[] = command.options.map((o) => ({
      names: [o.short, o.long].filter((n): n is string => n !== undefined),
      value: o.required || o.optional,
      choices: o.argChoices ?? [],
      description: o.description,
    }));
    specs.push({ path: path.join(' '), commands, options: [...options, HELP], arguments: command.registeredArguments.map((a) => a.argChoices ?? []) });
    for (const child of command.commands) visit(child, [...path, child.name()]);
  };
  visit(program, []);
  return specs;
}

/** `'text'` for bash and zsh: single quotes, each inner one closed, escaped and reopened. */
const sq = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
/** `'text'` for fish, whose single quotes take `\'` and `\\`. */
const fq = (text: string): string => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
/** One line of a description: completion menus show a line each. */
const line = (text: string): string => text.replace(/\s+/g, ' ').trim();

const longNames = (spec: CommandSpec): string[] => spec.options.flatMap((o) => o.names);

/** The case arms shared by bash and zsh: `'<key>') <body> ;;`. */
const arms = (entries: [string, string][]): string => entries.map(([key, body]) => `    ${sq(key)}) ${body} ;;`).join('\n');

function posixTables(specs: CommandSpec[], describe: boolean): string {
  const words = (items: { name: string; description: string }[]) =>
    describe ? `printf '%s\\n' ${items.map((i) => sq(`${i.name.replace(/:/g, '\\:')}:${line(i.description)}`)).join(' ')}` : `echo ${sq(items.map((i) => i.name).join(' '))}`;
  const commands = specs.filter((s) => s.commands.length > 0).map((s): [string, string] => [s.path, words(s.commands)]);
  const options = specs.map((s): [string, string] => [
    s.path,
    describe ? words(s.options.flatMap((o) => o.names.map((name) => ({ name, description: o.description })))) : `echo ${sq(longNames(s).join(' '))}`,
  ]);
  const valued = specs.flatMap((s) => s.options.filter((o) => o.value).flatMap((o) => o.names.map((n) => `${s.path}|${n}`)));
  const values = specs.flatMap((s) =>
    s.options.filter((o) => o.choices.length > 0).flatMap((o) => o.names.map((n): [string, string] => [`${s.path}|${n}`, `echo ${sq(o.choices.join(' '))}`])),
  );
  const args = specs.flatMap((s) => s.arguments.flatMap((choices, i): [string, string][] => (choices.length > 0 ? [[`${s.path}|${i}`, `echo ${sq(choices.join(' '))}`]] : [])));
  return `# The subcommands of a command path.
_vrouter_commands() {
  case "$1" in
${arms(commands)}
  esac
}

# The options of a command path.
_vrouter_options() {
  case "$1" in
${arms(options)}
  esac
}

# Succeeds when option $2 of command path $1 takes a value (the next word is not a command).
_vrouter_takes_value() {
  case "$1|$2" in
${valued.length > 0 ? `    ${valued.map(sq).join('|')}) return 0 ;;` : ''}
  esac
  return 1
}

# The values option $2 of command path $1 accepts, when they are a closed set.
_vrouter_values() {
  case "$1|$2" in
${arms(values)}
  esac
}

# The values positional argument $2 (from 0) of command path $1 accepts, when they are a closed set.
_vrouter_argument() {
  case "$1|$2" in
${arms(args)}
  esac
}
`;
}

/** Walks the words before the cursor: the command path, how many arguments follow it, and whether a value is due. Shared by bash and zsh. */
const WALK = `  local cmd='' word n=0 skip=0 names
  for word in "\${before[@]}"; do
    if ((skip)); then skip=0; continue; fi
    case $word in
      --*=*) continue ;;
      -*) _vrouter_takes_value "$cmd" "$word" && skip=1; continue ;;
    esac
    names=" $(_vrouter_commands "$cmd" | sed 's/:.*//' | tr '\\n' ' ') "
    if [[ $names == *" $word "* ]] && ((n == 0)); then cmd=\${cmd:+$cmd }$word; else n=$((n + 1)); fi
  done`;

function bashScript(specs: CommandSpec[]): string {
  return `# bash completion for vrouter, generated by \`vrouter completion bash\` from the CLI's own command tree.
# Install: echo 'source <(vrouter completion bash)' >> ~/.bashrc
#      or: vrouter completion bash > ~/.local/share/bash-completion/completions/vrouter

${posixTables(specs, false)}
_vrouter() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD - 1]}
  local -a before=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
${WALK}
  if ((skip)); then
    COMPREPLY=($(compgen -W "$(_vrouter_values "$cmd" "$prev")" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_vrouter_options "$cmd")" -- "$cur"))
  elif ((n == 0)); then
    COMPREPLY=($(compgen -W "$(_vrouter_commands "$cmd") $(_vrouter_argument "$cmd" 0)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_vrouter_argument "$cmd" "$n")" -- "$cur"))
  fi
}

# Nothing offered (a file path, a free-form value): fall back to file names.
complete -o default -F _vrouter vrouter
`;
}

function zshScript(specs: CommandSpec[]): string {
  return `#compdef vrouter
# zsh completion for vrouter, generated by \`vrouter completion zsh\` from the CLI's own command tree.
# Install: echo 'source <(vrouter completion zsh)' >> ~/.zshrc   (after compinit)
#      or: vrouter completion zsh > "\${fpath[1]}/_vrouter"

${posixTables(specs, true)}
_vrouter() {
  local -a before=("\${(@)words[2,CURRENT-1]}")
${WALK}
  local -a items
  if ((skip)); then
    items=($(_vrouter_values "$cmd" "\${words[CURRENT-1]}"))
    if (($#items)); then compadd -a items; else _files; fi
  elif [[ $PREFIX == -* ]]; then
    items=("\${(@f)$(_vrouter_options "$cmd")}")
    _describe -t options 'option' items
  elif ((n == 0)) && [[ -n $(_vrouter_commands "$cmd") ]]; then
    items=("\${(@f)$(_vrouter_commands "$cmd")}")
    _describe -t commands 'command' items
  else
    items=($(_vrouter_argument "$cmd" "$n"))
    if (($#items)); then compadd -a items; else _files; fi
  fi
}

if [[ $funcstack[1] == _vrouter ]]; then
  _vrouter "$@"
else
  compdef _vrouter vrouter
fi
`;
}

function fishScript(specs: CommandSpec[]): string {
  const cases = (entries: [string, string][]) => entries.map(([key, body]) => `    case ${fq(key)}\n      ${body}`).join('\n');
  const commands = specs.filter((s) => s.commands.length > 0).map((s): [string, string] => [s.path, `printf '%s\\n' ${s.commands.map((c) => fq(c.name)).join(' ')}`]);
  const valued = specs.flatMap((s) => s.options.filter((o) => o.value).flatMap((o) => o.names.map((n) => `${s.path}|${n}`)));
  const lines: string[] = [];
  for (const spec of specs) {
    const at = `__vrouter_at ${fq(spec.path)}`;
    for (const c of spec.commands) lines.push(`complete -c vrouter -n ${fq(`${at} 0`)} -a ${fq(c.name)} -d ${fq(line(c.description))}`);
    for (const o of spec.options) {
      const flags = o.names.map((n) => (n.startsWith('--') ? `-l ${fq(n.slice(2))}` : `-s ${fq(n.slice(1))}`)).join(' ');
      // A free-form value may be a file (--file): offer file names there, closed sets otherwise.
      const value = o.value ? ` -r${o.choices.length > 0 ? ` -f -a ${fq(o.choices.join(' '))}` : ' -F'}` : '';
      lines.push(`complete -c vrouter -n ${fq(at)} ${flags}${value} -d ${fq(line(o.description))}`);
    }
    spec.arguments.forEach((choices, i) => {
      if (choices.length > 0) lines.push(`complete -c vrouter -n ${fq(`${at} ${i}`)} -f -a ${fq(choices.join(' '))}`);
    });
  }
  return `# fish completion for vrouter, generated by \`vrouter completion fish\` from the CLI's own command tree.
# Install: vrouter completion fish > ~/.config/fish/completions/vrouter.fish

# The subcommands of a command path, one a line.
function __vrouter_commands
  switch "$argv[1]"
${cases(commands)}
  end
end

# Succeeds when option $argv[2] of command path $argv[1] takes a value (the next word is not a command).
function __vrouter_takes_value
  contains -- "$argv[1]|$argv[2]" ${valued.map(fq).join(' ')}
end

# The command path typed so far, then how many arguments follow it, one a line.
function __vrouter_state
  set -l cmd ''
  set -l n 0
  set -l skip 0
  set -l words (commandline -opc)
  set -e words[1]
  for word in $words
    if test $skip = 1
      set skip 0
      continue
    end
    switch $word
      case '--*=*'
        continue
      case '-*'
        __vrouter_takes_value "$cmd" $word; and set skip 1
        continue
    end
    if test $n = 0; and contains -- $word (__vrouter_commands "$cmd")
      set cmd (string trim -- "$cmd $word")
    else
      set n (math $n + 1)
    end
  end
  printf '%s\\n' "$cmd" $n
end

# Succeeds at command path $argv[1] (and, given, with $argv[2] arguments typed after it).
function __vrouter_at
  set -l state (__vrouter_state)
  test "$state[1]" = "$argv[1]"; or return 1
  test (count $argv) -lt 2; or test "$state[2]" = "$argv[2]"
end

complete -c vrouter -f
${lines.join('\n')}
`;
}

/** The completion script for `shell`, generated from `program`'s command tree. */
export function completionScript(program: Command, shell: Shell): string {
  const specs = completionSpec(program);
  if (shell === 'bash') return bashScript(specs);
  if (shell === 'zsh') return zshScript(specs);
  return fishScript(specs);
}

/** `vrouter completion bash|zsh|fish`. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish) for vrouter.')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install:
  bash  echo 'source <(vrouter completion bash)' >> ~/.bashrc
  zsh   echo 'source <(vrouter completion zsh)' >> ~/.zshrc      (after compinit)
  fish  vrouter completion fish > ~/.config/fish/completions/vrouter.fish`,
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
