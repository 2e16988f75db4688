import type { WorldRng } from './world-rng.util';

/** A random Austin-area phone number in the 555 range. */
export function phoneNumber(rng: WorldRng): string {
  return `(${rng.pick(['512', '737'])}) 555-${rng.digits(4)}`;
}
