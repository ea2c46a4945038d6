/** `kmatrix schema`: print the matrix JSON Schema (the same as matrices/matrix.schema.json). */
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export async function schemaText(): Promise<string> {
  // loaded here, not at the top: help imports every command module (start-up)
  const { matrixJsonSchema } = await import('../matrix/schema.js');
  return `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
}

export function registerSchema(program: Command, result: CommandResult): void {
  program
    .command('schema')
    .description('print the JSON Schema of matrix files (for editors: # yaml-language-server: $schema=...)')
    .action(async () => {
      process.stdout.write(await schemaText());
      result.code = 0;
    });
}
