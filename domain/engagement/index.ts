export * from './reasons';
export * from './report';
