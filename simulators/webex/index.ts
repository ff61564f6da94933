export { startWebexSimulator } from './server';
export type { WebexSimulator, WebexSimulatorOptions } from './server';
export type { WebexSimulatorControl, RequestLogEntry, RoomView, MessageView, FaultMatch } from './control';
export type { FaultAction, FaultRuleInput, FaultRule, FaultPhase } from './faults';
export type { SimConfig, AuthorizeDecision, EmptyPages, SimUser, UserInput } from './state';
export { defaultConfig, DEFAULT_SCOPES } from './state';
export { runStandalone } from './main';
