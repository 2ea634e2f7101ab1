/**
 * A Moleculer transporter between the threads of one process, over a named BroadcastChannel: the
 * `all` role's api broker and its runner threads' brokers talk through it as a cluster's nodes
 * talk through NATS, so a graph running on a runner thread never holds up the HTTP and socket
 * event loop. Every packet reaches every other broker on the channel (a few, all local); each
 * keeps those whose topic it subscribed to, as Moleculer's in-memory Fake transporter does.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { Transporters } from 'moleculer';

interface ThreadPacket {
  readonly topic: string;
  readonly data: Uint8Array;
}

export class ThreadTransporter extends Transporters.Base {
  private channel: BroadcastChannel | undefined;
  /** Topic → the command it carries, for the topics this broker listens to. */
  private readonly topics = new Map<string, string>();

  /** `channelName` is shared by exactly the brokers of one platform (unique per process start). */
  constructor(private readonly channelName: string) {
    // Balanced requests and events are balanced by Moleculer itself (hasBuiltInBalancer stays false).
    super({});
  }

  override connect(): Promise<void> {
    const channel = new BroadcastChannel(this.channelName);
    channel.onmessage = (event) => {
      const packet = (event as { data: ThreadPacket }).data;
      const cmd = this.topics.get(packet.topic);
      if (cmd !== undefined) void this.receive(cmd, Buffer.from(packet.data.buffer, packet.data.byteOffset, packet.data.byteLength));
    };
    // The channel alone must not keep a process alive that has nothing else to do.
    channel.unref();
    this.channel = channel;
    return this.onConnected();
  }

  override disconnect(): Promise<void> {
    this.connected = false;
    this.channel?.close();
    this.channel = undefined;
    this.topics.clear();
    return Promise.resolve();
  }

  override subscribe(cmd: string, nodeID?: string): Promise<void> {
    this.topics.set(this.getTopicName(cmd, nodeID as string), cmd);
    return Promise.resolve();
  }

  override subscribeBalancedRequest(): Promise<void> {
    return Promise.resolve();
  }

  override subscribeBalancedEvent(): Promise<void> {
    return Promise.resolve();
  }

  override send(topic: string, data: Buffer): Promise<void> {
    this.channel?.postMessage({ topic, data } satisfies ThreadPacket);
    return Promise.resolve();
  }
}
