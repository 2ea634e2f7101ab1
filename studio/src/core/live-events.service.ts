import { DestroyRef, Injectable, effect, inject, signal } from '@angular/core';
import { Subject, type Observable, filter, map } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { API_BASE, type SocketEventMap, type SocketEventName } from './api-types';
import { AuthService } from './auth.service';

/** Keyed by the server's map, so an event it adds or drops fails to compile until it is listened to here. */
const LISTENED: Readonly<Record<SocketEventName, true>> = {
  batch_enqueued: true,
  queue_item_status_changed: true,
  invocation_started: true,
  invocation_progress: true,
  invocation_complete: true,
  invocation_cached: true,
  invocation_error: true,
  model_install_status_changed: true,
  model_install_progress: true,
};
const EVENT_NAMES = Object.keys(LISTENED) as SocketEventName[];

interface Envelope {
  readonly name: SocketEventName;
  readonly payload: SocketEventMap[SocketEventName];
}

/**
 * The user's live events over socket.io, connected while signed in. `reconnected$` fires after a
 * dropped connection comes back, when lists must be fetched again: events sent meanwhile are lost.
 */
@Injectable({ providedIn: 'root' })
export class LiveEventsService {
  private readonly auth = inject(AuthService);
  private readonly events = new Subject<Envelope>();
  private readonly reconnects = new Subject<void>();
  private readonly connectedState = signal(false);
  private socket: Socket | null = null;

  readonly connected = this.connectedState.asReadonly();
  readonly reconnected$: Observable<void> = this.reconnects.asObservable();

  constructor() {
    effect(() => (this.auth.signedIn() ? this.connect() : this.disconnect()));
    inject(DestroyRef).onDestroy(() => this.disconnect());
  }

  on<K extends SocketEventName>(name: K): Observable<SocketEventMap[K]> {
    return this.events.pipe(
      filter((event) => event.name === name),
      map((event) => event.payload as SocketEventMap[K]),
    );
  }

  private connect(): void {
    if (this.socket) return;
    // The token is read at each (re)connection, so a refreshed token is used after a drop.
    const socket = io({ path: `${API_BASE}/socket.io`, auth: (send) => send({ token: this.auth.token() }), transports: ['websocket', 'polling'] });
    let wasConnected = false;
    socket.on('connect', () => {
      this.connectedState.set(true);
      if (wasConnected) this.reconnects.next();
      wasConnected = true;
    });
    socket.on('disconnect', () => this.connectedState.set(false));
    for (const name of EVENT_NAMES) {
      socket.on(name, (payload: SocketEventMap[typeof name]) => this.events.next({ name, payload }));
    }
    this.socket = socket;
  }

  private disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connectedState.set(false);
  }
}
