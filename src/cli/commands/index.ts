import type { CliCommand } from '../command';

/** Every CLI command; add new ones here. */
export const commands: CliCommand[] = [];
