/**
 * One step of an engine's schema, applied once in version order and recorded in
 * `schema_migrations`. Never edit a released step: add the next version instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
