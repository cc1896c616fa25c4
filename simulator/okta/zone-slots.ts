/**
 * Per-model slots for caching zone membership during one evaluation without allocating: each zone key
 * of the model gets a slot, and a slot holds a value only when its stamp is the current evaluation's.
 */
import type { OktaModel } from "./model";

export const ALL_ZONES = "ALL_ZONES";

export class ZoneSlots {
  private readonly slots = new Map<string, number>();
  private readonly stamps: Uint32Array;
  private readonly values: Uint8Array;
  private stamp = 0;

  constructor(model: OktaModel) {
    for (const key of model.zones.keys()) this.slots.set(key, this.slots.size);
    this.slots.set(ALL_ZONES, this.slots.size);
    this.stamps = new Uint32Array(this.slots.size);
    this.values = new Uint8Array(this.slots.size);
  }

  /** Starts an evaluation: every cached value is forgotten. */
  next(): number {
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** The slot of a zone key, or -1 for a key outside the model (membership stated by the context). */
  slotOf(key: string): number {
    return this.slots.get(key) ?? -1;
  }

  /** 1 or 0 when cached in evaluation `stamp`, else -1. */
  get(slot: number, stamp: number): number {
    return this.stamps[slot] === stamp ? this.values[slot] : -1;
  }

  set(slot: number, stamp: number, v: boolean): void {
    this.stamps[slot] = stamp;
    this.values[slot] = v ? 1 : 0;
  }
}

const byModel = new WeakMap<OktaModel, ZoneSlots>();

export function zoneSlotsOf(model: OktaModel): ZoneSlots {
  let slots = byModel.get(model);
  if (!slots) byModel.set(model, (slots = new ZoneSlots(model)));
  return slots;
}
