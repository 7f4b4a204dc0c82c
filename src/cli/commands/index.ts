import type { CliCommand } from '../command';
import { problemsCommand, scanCommand, tracksCommand } from './library';
import { pricingCommand } from './pricing';
import { verifyReportCommand } from './verify-report';
import { exportCrateCommand, queryCommand } from './dj';
import { witnessCommand } from './witness';

/** Every CLI command; add new ones here. */
export const commands: CliCommand[] = [
  scanCommand,
  tracksCommand,
  problemsCommand,
  pricingCommand,
  verifyReportCommand,
  queryCommand,
  exportCrateCommand,
  witnessCommand,
];
