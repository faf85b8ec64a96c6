// A no-op activity: the unit of the benchmark's Temporal floor.
export const floorActivities = {
  async noop(): Promise<void> {},
};
export type FloorActivities = typeof floorActivities;
