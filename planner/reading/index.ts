// One reading of the conversation, shared by the guard and the offline planner.
export { readConversation, expectationsOf, emptyReading, askedParams, MEANING_OF_ASK, asksFor, resolveItem, expectationOf, type Reading, type Ask, type CountIntent, type Derived, type ReadingInput } from './reading.js';
export { normalise, hasPhrase } from './text.js';
export { dayFirstFor, countryFor } from './locale.js';
