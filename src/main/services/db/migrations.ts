import type { Migration } from './database';
import { libraryMigrations } from '../library/schema';
import { stream2ownMigrations } from '../wallet/migrations';
import { djMigrations } from '../dj/schema';
import { libraryAnalysisMigrations } from '../library/analysis/schema';

/**
 * Every migration of the local cache, in the order they apply. Each domain
 * owns its own list; append new steps to the end of its list, never edit one
 * that has shipped.
 */
export const allMigrations: readonly Migration[] = [
  ...libraryMigrations,
  ...stream2ownMigrations,
  ...djMigrations,
  ...libraryAnalysisMigrations,
];
