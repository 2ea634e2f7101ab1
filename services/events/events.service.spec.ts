import { io as connect, type Socket } from 'socket.io-client';
import { testAccounts, ALICE, BOB } from '../../test/support/test-tenants';
import { startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { SESSION_EVENTS } from '../queue/queue-events';
import { createEventsService } from './events.service';

describe('socket events', () => {
  let platform: TestPlatform;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform([testAccounts, createEventsService()]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await platform.stop();
  });

  function open(token: string): Promise<Socket> {
    const origin = new URL(platform.url).origin;
    const socket = connect(origin, { path: '/api/v1/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });
  }

  it('sends each user the events of their own items only', async () => {
    const [a, b] = await Promise.all([open(ALICE.token), open(BOB.token)]);
    const receivedA: unknown[] = [];
    const receivedB: unknown[] = [];
    a.on('queue_item_status_changed', (payload) => receivedA.push(payload));
    b.on('queue_item_status_changed', (payload) => receivedB.push(payload));
    const payload = { queueId: 'default', itemId: '1', batchId: 'b', status: 'completed' };
    await platform.broker.broadcast(SESSION_EVENTS, {
      events: [
        { ownerId: ALICE.id, name: 'queue_item_status_changed', payload },
        { ownerId: BOB.id, name: 'queue_item_status_changed', payload: { ...payload, itemId: '2' } },
      ],
    });
    const deadline = Date.now() + 3000;
    while ((receivedA.length < 1 || receivedB.length < 1) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(receivedA).toEqual([payload]);
    expect(receivedB).toEqual([{ ...payload, itemId: '2' }]);
  });

  it('refuses a connection without a valid token, saying why', async () => {
    await expectAsync(open('forged')).toBeRejectedWith(jasmine.objectContaining({ message: 'The token was not accepted; sign in again' }));
    await expectAsync(open('')).toBeRejectedWith(jasmine.objectContaining({ message: 'Send your access token or API key as auth.token' }));
  });
});
