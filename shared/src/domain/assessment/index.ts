/** Risk-tolerance assessment and product suitability: the rules every channel shares. */
export * from './levels.ts';
export * from './time.ts';
export * from './questionnaire.ts';
export * from './questionnaire-v1.ts';
export * from './scoring.ts';
export * from './products.ts';
export * from './suitability.ts';
export * from './signed-document.ts';
