import type { EventConsumer } from "./domain-events.ts";

/**
 * The consumers the dispatcher delivers to, registered once when the services are built (webhooks,
 * notifications, ...). A name is a consumer's identity in the outbox (its position is kept under it), so
 * it must stay the same across releases and be unique.
 */
export function createConsumerRegistry() {
  const consumers: EventConsumer[] = [];
  return {
    register(consumer: EventConsumer) {
      if (consumers.some((c) => c.name === consumer.name)) {
        throw new Error(`An event consumer named ${consumer.name} is already registered.`);
      }
      consumers.push(consumer);
    },
    list: (): readonly EventConsumer[] => consumers,
  };
}

export type ConsumerRegistry = ReturnType<typeof createConsumerRegistry>;
