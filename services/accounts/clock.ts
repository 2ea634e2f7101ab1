/**
 * Milliseconds since the epoch. Token expiry, refresh-token lifetimes and rate limits all read
 * time through this, so specs can move time forward instead of sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
