import type { CliCommand } from '../command';
import { problemsCommand, scanCommand, tracksCommand } from './library';
import { pricingCommand } from './pricing';

/** Every CLI command; add new ones here. */
export const commands: CliCommand[] = [scanCommand, tracksCommand, problemsCommand, pricingCommand];
