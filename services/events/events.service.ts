/**
 * Live events for the studio (role `api`): socket.io on the gateway's HTTP server, authenticated
 * with the same tokens as the REST API, one room per user. Queue and invocation events arrive from
 * any worker through the broker and go to their owner's room only; so do model install events.
 */
import type { Server as HttpServer } from 'node:http';
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { Server } from 'socket.io';
import type { AuthUser } from '../kernel/auth-middleware';
import { MODEL_EVENT, type ModelEventEnvelope } from '../models/models.service';
import { WATCHERS_EVENT, type WatchersAnnouncement } from '../queue/event-watchers';
import { SESSION_EVENTS, type SessionEventBatch } from '../queue/queue-events';

const ROOM_PREFIX = 'user:';
export const roomOf = (userId: string) => `${ROOM_PREFIX}${userId}`;

/** How often a gateway repeats who watches, for runners that missed a change (a network blip). */
const ANNOUNCE_EVERY_MS = 10_000;

export function createEventsService(): ServiceSchema {
  let io: Server | undefined;
  let announceTimer: NodeJS.Timeout | undefined;
  let announcing = false;
  return {
    name: 'events',
    dependencies: ['api'],
    events: {
      [SESSION_EVENTS]: {
        handler(ctx: Context<SessionEventBatch>) {
          if (!io) return;
          // socket.io encodes a packet before it looks for its room's sockets: skip owners nobody is watching.
          const rooms = io.sockets.adapter.rooms;
          for (const event of ctx.params.events) {
            const room = roomOf(event.ownerId);
            if (rooms.get(room)?.size) io.to(room).emit(event.name, event.payload);
          }
        },
      },
      // A runner (or a runner thread) joined: tell it who watches.
      '$node.connected': {
        handler(this: { announce(): void }) {
          this.announce();
        },
      },
      [MODEL_EVENT]: {
        handler(ctx: Context<ModelEventEnvelope>) {
          io?.to(roomOf(ctx.params.ownerId)).emit(ctx.params.name, ctx.params.payload);
        },
      },
    },
    methods: {
      /** Tells the runners which owners have a socket open here, once per event-loop turn at most. */
      announce(this: { broker: ServiceBroker }) {
        if (announcing) return;
        announcing = true;
        setImmediate(() => {
          announcing = false;
          const owners = io ? [...io.sockets.adapter.rooms.keys()].filter((room) => room.startsWith(ROOM_PREFIX)).map((room) => room.slice(ROOM_PREFIX.length)) : [];
          void this.broker.broadcast(WATCHERS_EVENT, { gateway: this.broker.nodeID, owners } satisfies WatchersAnnouncement);
        });
      },
    },
    started() {
      announceTimer = setInterval(() => this.announce(), ANNOUNCE_EVERY_MS);
      announceTimer.unref();
      this.announce();
      const gateway = this.broker.getLocalService('api') as unknown as { server?: HttpServer } | undefined;
      if (!gateway?.server) return;
      io = new Server(gateway.server, { path: '/api/v1/socket.io', serveClient: false, cors: { origin: false } });
      io.use((socket, next) => {
        const token = (socket.handshake.auth as { token?: unknown }).token;
        if (typeof token !== 'string' || token.length === 0) return next(new Error('Send your access token or API key as auth.token'));
        this.broker
          .call<AuthUser, { token: string }>('accounts.authenticate', { token })
          .then((user) => {
            socket.data.user = user;
            next();
          })
          .catch(() => next(new Error('The token was not accepted; sign in again')));
      });
      io.on('connection', (socket) => {
        const user = socket.data.user as AuthUser;
        const room = roomOf(user.id);
        const first = !io?.sockets.adapter.rooms.get(room)?.size;
        void socket.join(room);
        if (first) this.announce();
        // socket.io leaves the rooms after 'disconnect': announce once it has.
        socket.on('disconnect', () => setImmediate(() => (io?.sockets.adapter.rooms.get(room)?.size ? undefined : this.announce())));
      });
    },
    async stopped() {
      clearInterval(announceTimer);
      await io?.close();
    },
  };
}
