export * from './reasons';
export * from './report';
export * from './changes';
export * from './pace';
export * from './digest';
