export * from './logger';
export * from './redact';
export * from './temporal';
export * from './lazy-child';
