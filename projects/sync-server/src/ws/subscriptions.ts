import type { ChannelFilter } from './channel-filter';

/**
 * Who listens to which channel, indexed both ways: by channel, so a write reaches only the
 * connections subscribed to its collection (not all 10 000); and by connection, so closing one
 * drops its subscriptions without a scan. One subscription per channel and connection:
 * subscribing again replaces the filter.
 *
 * @example
 * const registry = new SubscriptionRegistry<Session>(100);
 * registry.subscribe(session, 'todos', channelFilter({}));
 * for (const [client, filter] of registry.subscribersOf('todos') ?? []) …
 */
export class SubscriptionRegistry<C> {
  private readonly byChannel = new Map<string, Map<C, ChannelFilter>>();
  private readonly byClient = new Map<C, Set<string>>();
  private total = 0;

  constructor(private readonly maxPerClient: number) {}

  /** Adds or replaces a subscription; false when it would be one over the client's limit. */
  subscribe(client: C, channel: string, filter: ChannelFilter): boolean {
    let channels = this.byClient.get(client);
    const isNew = !channels?.has(channel);
    if (isNew && (channels?.size ?? 0) >= this.maxPerClient) return false;
    if (!channels) this.byClient.set(client, (channels = new Set()));
    let subscribers = this.byChannel.get(channel);
    if (!subscribers) this.byChannel.set(channel, (subscribers = new Map()));
    subscribers.set(client, filter);
    if (isNew) {
      channels.add(channel);
      this.total += 1;
    }
    return true;
  }

  /** Removes one subscription; nothing happens when there is none. */
  unsubscribe(client: C, channel: string): void {
    const subscribers = this.byChannel.get(channel);
    if (!subscribers?.delete(client)) return;
    this.total -= 1;
    // Empty entries go at once: channel names come from clients, and must not pile up.
    if (subscribers.size === 0) this.byChannel.delete(channel);
    const channels = this.byClient.get(client);
    channels?.delete(channel);
    if (channels?.size === 0) this.byClient.delete(client);
  }

  /** Removes every subscription of `client`: on close, and when it becomes another user. */
  dropClient(client: C): void {
    for (const channel of [...(this.byClient.get(client) ?? [])]) this.unsubscribe(client, channel);
  }

  /** The subscribers of `channel` with their filters; undefined when there are none. */
  subscribersOf(channel: string): ReadonlyMap<C, ChannelFilter> | undefined {
    return this.byChannel.get(channel);
  }

  /** How many subscriptions all clients hold together. */
  get size(): number {
    return this.total;
  }
}
