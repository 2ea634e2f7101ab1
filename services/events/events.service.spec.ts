import { io as connect, type Socket } from 'socket.io-client';
import { testAccounts, ALICE, BOB } from '../../test/support/test-tenants';
import { startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { EventWatchers, WATCHERS_EVENT, type WatchersAnnouncement } from '../queue/event-watchers';
import { SESSION_EVENTS } from '../queue/queue-events';
import { createEventsService } from './events.service';

describe('socket events', () => {
  let platform: TestPlatform;
  const sockets: Socket[] = [];

  const announcements: WatchersAnnouncement[] = [];
  // Stands where a runner listens: it learns who watches from the gateway's announcements.
  const runnerSide = { name: 'runner-side', events: { [WATCHERS_EVENT]: { handler: (ctx: { params: WatchersAnnouncement }) => void announcements.push(ctx.params) } } };

  beforeAll(async () => {
    platform = await startTestPlatform([testAccounts, createEventsService(), runnerSide]);
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

  it('tells the runners whose events someone watches, as sockets come and go', async () => {
    const watchers = new EventWatchers();
    const latest = async (test: (owners: readonly string[]) => boolean) => {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        const last = announcements.at(-1);
        if (last && test(last.owners)) return last;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no announcement passed; last: ${JSON.stringify(announcements.at(-1))}`);
    };
    for (const socket of sockets.splice(0)) socket.close();
    watchers.announce(await latest((owners) => owners.length === 0));
    expect(watchers.wants(BOB.id, 'invocation_complete')).toBeFalse();
    expect(watchers.wants(BOB.id, 'queue_item_status_changed')).toBeTrue();

    const socket = await open(BOB.token);
    const announced = await latest((owners) => owners.includes(BOB.id));
    expect(announced).toEqual({ gateway: platform.broker.nodeID, owners: [BOB.id] });
    watchers.announce(announced);
    expect(watchers.wants(BOB.id, 'invocation_complete')).toBeTrue();
    expect(watchers.wants(ALICE.id, 'invocation_progress')).toBeFalse();

    socket.close();
    watchers.announce(await latest((owners) => !owners.includes(BOB.id)));
    expect(watchers.wants(BOB.id, 'invocation_started')).toBeFalse();
    // A gateway that leaves takes its watchers with it; with none left, nothing is dropped.
    watchers.nodeLeft(platform.broker.nodeID);
    expect(watchers.wants(BOB.id, 'invocation_started')).toBeTrue();
  });
});
