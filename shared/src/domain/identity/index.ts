/** Identity-document rules: resident ID cards (GB 11643) and passport MRZs (ICAO 9303), written once. */
export * from './field-check.ts';
export * from './holder-age.ts';
export * from './regions.ts';
export * from './ethnicities.ts';
export * from './resident-id-number.ts';
export * from './resident-id-card.ts';
export * from './mrz.ts';
export * from './correction.ts';
export { ageOn, beijingDay, calendarDate, isCalendarDate, type CalendarDate } from './calendar-date.ts';
export * from './mask.ts';
