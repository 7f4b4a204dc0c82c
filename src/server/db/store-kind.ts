/** Which engine holds the server's store: decides the SQL dialect of each migration. */
export type StoreKind = 'sqlite' | 'postgres';
