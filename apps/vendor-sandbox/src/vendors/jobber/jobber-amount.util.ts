/** Jobber's amounts are floats of dollars; the world's are integer cents. */
export const cents = (n: number): number => n / 100;
