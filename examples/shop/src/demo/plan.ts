/** One order of the demo and what will happen to it. */
export interface PlannedOrder {
  readonly orderId: string;
  readonly cardNumber: string;
  readonly cents: number;
  readonly address: string;
  /** When the order is placed, in ms after the start. */
  readonly placeAfterMs: number;
  /** When the warehouse says ready, in ms after placing; undefined: never (the order times out or was declined). */
  readonly readyAfterMs: number | undefined;
}

const GOOD_CARD = "4242424242424242";
const DECLINED_CARD = "4000000000000000"; // ends in 0000: the fake gateway declines it

/** A small seeded PRNG (mulberry32), so every demo run plays the same story. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` orders placed over about two seconds: about one in seven cards is declined,
 * and for about one in five the warehouse never answers, so the order is refunded.
 */
export function planOrders(count: number, warehouseTimeoutMs: number, seed = 7): PlannedOrder[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const declined = random() < 0.15;
    const neverReady = random() < 0.2;
    const readyAfterMs = Math.floor(200 + random() * (warehouseTimeoutMs - 800));
    return {
      orderId: `demo-${String(i + 1).padStart(2, "0")}`,
      cardNumber: declined ? DECLINED_CARD : GOOD_CARD,
      cents: 500 + Math.floor(random() * 20_000),
      address: `${i + 1} Demo Street`,
      placeAfterMs: i * 100,
      readyAfterMs: declined || neverReady ? undefined : readyAfterMs,
    };
  });
}
