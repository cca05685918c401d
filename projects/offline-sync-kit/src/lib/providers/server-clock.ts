import { inject, Injectable } from '@angular/core';
import { ClockOffsetEstimate } from '../core/clock-offset';
import { SyncStorage } from '../storage/sync-storage';
import { ServerDateObserver } from '../transport/sync-transport';
import { SYNC_CLOCK } from './tokens';

/** The `meta` key under which the last clock offset is kept across sessions. */
const OFFSET_KEY = 'clock-offset';
/** A change of the estimate smaller than this is noise, not worth a write. */
const SAVE_THRESHOLD_MS = 1_000;

/**
 * The server's clock as this device best knows it: the device clock (`SYNC_CLOCK`) corrected by
 * the offset the `Date` headers of server answers show. Local changes are stamped with it, so
 * `lastUpdateWins` compares times on one clock even when a device's clock is hours off. The
 * offset is kept in the database, so changes made offline after a reload are stamped right too.
 *
 * @example
 * const stampedAt = inject(ServerClock).now();
 */
@Injectable()
export class ServerClock implements ServerDateObserver {
  private readonly deviceClock = inject(SYNC_CLOCK);
  private readonly storage = inject(SyncStorage);
  private readonly estimate = new ClockOffsetEstimate();
  private savedOffset: number | null = null;

  /** Now, on the server's clock (ms since epoch). */
  now(): number {
    return this.deviceClock() + this.estimate.value;
  }

  /** Now, on this device's clock. */
  deviceNow(): number {
    return this.deviceClock();
  }

  /** Takes a server answer's `Date` header (see `ClockOffsetEstimate.observe`). */
  observe(dateHeader: string, sentAt: number, receivedAt: number): void {
    if (!this.estimate.observe(dateHeader, sentAt, receivedAt)) return;
    const offset = this.estimate.value;
    if (this.savedOffset !== null && Math.abs(offset - this.savedOffset) < SAVE_THRESHOLD_MS)
      return;
    this.savedOffset = offset;
    // Best effort: losing it only means the next session starts from an older estimate.
    this.storage.writeSetting(OFFSET_KEY, offset).catch(() => undefined);
  }

  /** Starts from the offset kept by an earlier session, if any. */
  async restore(): Promise<void> {
    const saved = await this.storage.readSetting(OFFSET_KEY).catch(() => undefined);
    if (typeof saved === 'number' && this.savedOffset === null) {
      this.savedOffset = saved;
      this.estimate.restore(saved);
    }
  }
}
