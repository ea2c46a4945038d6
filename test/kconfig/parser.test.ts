import { describe, expect, it } from 'vitest';
import { KconfigError } from '../../src/kconfig/types.js';
import { loadKconfig, memoryMacros, memorySource } from '../../src/kconfig/load.js';
import { olddefconfig } from '../../src/kconfig/resolve.js';

function load(
  files: Record<string, string>,
  env: Record<string, string> = {},
  shell?: (c: string) => string,
) {
  const macros = memoryMacros(env, shell);
  return { ...loadKconfig(memorySource(files), macros), messages: macros.messages };
}

/** The body of a .config (without the 4-line header). */
function body(files: Record<string, string>, config = '', env: Record<string, string> = {}): string {
  return olddefconfig(load(files, env).tree, config).config.split('\n').slice(4).join('\n');
}

function error(files: Record<string, string>): KconfigError {
  try {
    load(files);
  } catch (e) {
    if (e instanceof KconfigError) return e;
    throw e;
  }
  throw new Error('no KconfigError');
}

describe('Kconfig parser', () => {
  it('writes the mainmenu header with expanded variables', () => {
    const { tree } = load(
      { Kconfig: 'mainmenu "Linux/$(ARCH) Kernel"\nconfig A\n\tbool "a"\n' },
      { ARCH: 'x86' },
    );
    expect(olddefconfig(tree, '').config).toBe(
      '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 Kernel\n#\n# CONFIG_A is not set\n',
    );
  });

  it('writes menu blocks, end-of lines and hides invisible menus', () => {
    const k = [
      'config A',
      '\tbool "a"',
      '\tdefault y',
      'menu "Shown"',
      'config B',
      '\tint "b"',
      '\tdefault 3',
      'endmenu',
      'menu "Hidden"',
      '\tdepends on C',
      'config D',
      '\tbool "d"',
      'endmenu',
      'config C',
      '\tbool',
    ].join('\n');
    expect(body({ Kconfig: k })).toBe('CONFIG_A=y\n\n#\n# Shown\n#\nCONFIG_B=3\n# end of Shown\n');
  });

  it('skips help text by indentation, including blank lines inside it', () => {
    const k = 'config A\n\tbool "a"\n\thelp\n\t  text\n\n\t  config NOT_A_SYMBOL\nconfig B\n\tdef_bool y\n';
    const { tree } = load({ Kconfig: k });
    expect([...tree.byName.keys()]).toEqual(['A', 'B']);
  });

  it('propagates depends, select and imply with if conditions', () => {
    const k = [
      'config A\n\tbool "a"\n\tselect S if B\n\timply I',
      'config B\n\tdef_bool y',
      'config S\n\tbool\n\tdepends on B',
      'config I\n\ttristate "i"',
      'config MODULES\n\tbool "modules"\n\tmodules\n\tdefault y',
      'if A\nconfig IN_IF\n\tbool "in if"\n\tdefault y\nendif',
    ].join('\n');
    expect(body({ Kconfig: k }, 'CONFIG_A=y\n')).toBe(
      'CONFIG_A=y\nCONFIG_B=y\nCONFIG_S=y\nCONFIG_I=y\nCONFIG_MODULES=y\nCONFIG_IN_IF=y\n',
    );
    expect(body({ Kconfig: k }, 'CONFIG_A=y\nCONFIG_I=m\n')).toContain('CONFIG_I=m\n');
    expect(body({ Kconfig: k }, '# CONFIG_A is not set\n')).toBe(
      '# CONFIG_A is not set\nCONFIG_B=y\n# CONFIG_I is not set\nCONFIG_MODULES=y\n',
    );
  });

  it('resolves choices: user y wins, else the default, else the first visible member', () => {
    const k = [
      'choice\n\tprompt "pick"\n\tdefault B',
      'config A\n\tbool "a"',
      'config B\n\tbool "b"',
      'endchoice',
    ].join('\n');
    expect(body({ Kconfig: k })).toBe('# CONFIG_A is not set\nCONFIG_B=y\n');
    expect(body({ Kconfig: k }, 'CONFIG_A=y\n')).toBe('CONFIG_A=y\n# CONFIG_B is not set\n');
    expect(body({ Kconfig: k }, '# CONFIG_B is not set\n')).toBe('CONFIG_A=y\n# CONFIG_B is not set\n');
  });

  it('clamps int values to their range and escapes strings', () => {
    const k = 'config N\n\tint "n"\n\trange 2 10\n\tdefault 4\nconfig S\n\tstring "s"\n';
    expect(body({ Kconfig: k }, 'CONFIG_N=50\nCONFIG_S="a\\"b"\n')).toBe('CONFIG_N=10\nCONFIG_S="a\\"b"\n');
  });

  it('expands user functions, $(shell) and the environment like Kconfig.include does', () => {
    const k = [
      'if-success = $(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")',
      'success = $(if-success,$(1),y,n)',
      'cc := $(CC)',
      'config HAS_FLAG',
      '\tdef_bool $(success,$(cc) -mflag)',
      'config TEXT',
      '\tstring',
      '\tdefault "$(shell,echo hello)"',
    ].join('\n');
    const cmds: string[] = [];
    const shell = (c: string): string => {
      cmds.push(c);
      return c.startsWith('echo') ? 'hello\n' : 'y\n';
    };
    const { tree } = load({ Kconfig: k }, { CC: 'gcc' }, shell);
    expect(cmds).toEqual(['{ gcc -mflag; } >/dev/null 2>&1 && echo "y" || echo "n"', 'echo hello']);
    expect(olddefconfig(tree, '').config).toContain('CONFIG_HAS_FLAG=y\nCONFIG_TEXT="hello"\n');
  });

  it('reads .config lines as conf_read_simple does, with located warnings', () => {
    const k = 'config B\n\tbool "b"\nconfig N\n\tint "n"\n\tdefault 4\n';
    const r = olddefconfig(
      load({ Kconfig: k }).tree,
      'CONFIG_B=yes\nCONFIG_N=x1\njunk\nCONFIG_B=n\n# CONFIG_N is gone\n',
    );
    expect(r.config.split('\n').slice(4).join('\n')).toBe('# CONFIG_B is not set\nCONFIG_N=4\n');
    expect(r.warnings).toEqual([
      ".config:2:warning: symbol value 'x1' invalid for N",
      '.config:3:warning: unexpected data: junk',
      '.config:4:warning: override: reassigning to symbol B',
    ]);
  });

  it('reads sourced files relative to the tree root', () => {
    const files = {
      Kconfig: 'source "sub/Kconfig"\nconfig TOP\n\tdef_bool y\n',
      'sub/Kconfig': 'config SUB\n\tdef_bool y\n',
    };
    expect(body(files)).toBe('CONFIG_SUB=y\nCONFIG_TOP=y\n');
  });
});

describe('source extensions (Kconfiglib syntax, unused by Linux 6.12)', () => {
  const files = {
    Kconfig:
      'source "drivers/*/Kconfig"\nrsource "arch/Kconfig"\nosource "missing/Kconfig"\norsource "none-*"\n',
    'drivers/b/Kconfig': 'config B\n\tdef_bool y\n',
    'drivers/a/Kconfig': 'config A\n\tdef_bool y\n',
    'arch/Kconfig': 'rsource "x86/Kconfig"\n',
    'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n',
  };

  it('expands globs in order, resolves rsource against the including file, skips osource misses', () => {
    expect(body(files)).toBe('CONFIG_A=y\nCONFIG_B=y\nCONFIG_X86=y\n');
  });

  it('reports a mandatory glob that matches nothing', () => {
    expect(error({ Kconfig: 'source "nothing/*/Kconfig"\n' }).message).toBe(
      'Kconfig:1:8: no file matches "nothing/*/Kconfig"',
    );
  });
});

describe('Kconfig parser errors are located', () => {
  it('names an unknown statement with file, line and column', () => {
    const e = error({ Kconfig: 'config A\n\tbool "a"\n\toption modules\n' });
    expect([e.file, e.line, e.col, e.reason]).toEqual(['Kconfig', 3, 2, 'unknown statement "option"']);
  });

  it('reports a block left open at its start', () => {
    const e = error({ Kconfig: 'config A\n\tbool\nmenu "m"\nconfig B\n\tbool\n' });
    expect(e.message).toBe('Kconfig:3:1: missing end statement for this entry');
  });

  it('reports a mismatched end and a missing source file in the including file', () => {
    expect(error({ Kconfig: 'if A\nendmenu\n' }).message).toBe(
      "Kconfig:2:1: unexpected 'menu' within if block",
    );
    expect(error({ Kconfig: '\nsource "nope/Kconfig"\n' }).message).toBe(
      'Kconfig:2:8: can\'t open file "nope/Kconfig"',
    );
  });

  it('turns $(error-if,y,...) and bad expressions into located errors', () => {
    expect(error({ Kconfig: 'x := 1\n$(error-if,y,broken compiler)\n' }).message).toBe(
      'Kconfig:2:1: broken compiler',
    );
    expect(error({ Kconfig: 'config A\n\tbool "a" if (B\n' }).message).toBe(
      "Kconfig:2:16: syntax error: expected ')', found end of line",
    );
  });
});
