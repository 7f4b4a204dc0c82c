/** The DJ query language: parsing only (pure). The main process compiles queries to SQL. */
export * from './ast';
export { parseQuery, MAX_QUERY_LENGTH } from './parse';
export { QUERY_FIELDS, isKnownField } from './fields';
