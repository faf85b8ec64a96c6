// Workflow entry for the worker bundle.
export { bookingUpdateSession } from './session.js';
export { floorOneActivity, floorThreeActivities } from './floor.js';
