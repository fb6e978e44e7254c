/** Rules for what the customer writes and signs at the end of a sale. */
export * from './acknowledgement-match.ts';
