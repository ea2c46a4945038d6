/** `kmatrix schema`: print the matrix JSON Schema (the same as matrices/matrix.schema.json). */
import type { Command } from 'commander';
import { matrixJsonSchema } from '../matrix/schema.js';
import type { CommandResult } from './main.js';

export function schemaText(): string {
  return `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
}

export function registerSchema(program: Command, result: CommandResult): void {
  program
    .command('schema')
    .description('print the JSON Schema of matrix files (for editors: # yaml-language-server: $schema=...)')
    .action(() => {
      process.stdout.write(schemaText());
      result.code = 0;
    });
}
