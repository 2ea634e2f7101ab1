/**
 * Live events for the studio (role `api`): socket.io on the gateway's HTTP server, authenticated
 * with the same tokens as the REST API, one room per user. Queue and invocation events arrive from
 * any worker through the broker and go to their owner's room only; so do model install events.
 */
import type { Server as HttpServer } from 'node:http';
import type { Context, ServiceSchema } from 'moleculer';
import { Server } from 'socket.io';
import type { AuthUser } from '../kernel/auth-middleware';
import { MODEL_EVENT, type ModelEventEnvelope } from '../models/models.service';
import { SESSION_EVENTS, type SessionEventBatch } from '../queue/queue-events';

export const roomOf = (userId: string) => `user:${userId}`;

export function createEventsService(): ServiceSchema {
  let io: Server | undefined;
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
      [MODEL_EVENT]: {
        handler(ctx: Context<ModelEventEnvelope>) {
          io?.to(roomOf(ctx.params.ownerId)).emit(ctx.params.name, ctx.params.payload);
        },
      },
    },
    started() {
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
        void socket.join(roomOf(user.id));
      });
    },
    async stopped() {
      await io?.close();
    },
  };
}
