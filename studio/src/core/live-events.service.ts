import { DestroyRef, Injectable, effect, inject, signal } from '@angular/core';
import { Subject, type Observable, filter, map } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { API_BASE, type StudioEventMap, type StudioEventName } from './api-types';
import { AuthService } from './auth.service';

const EVENT_NAMES: readonly StudioEventName[] = [
  'batch_enqueued',
  'queue_item_status_changed',
  'invocation_started',
  'invocation_progress',
  'invocation_complete',
  'invocation_cached',
  'invocation_error',
  'model_install_status_changed',
  'model_install_progress',
];

interface Envelope {
  readonly name: StudioEventName;
  readonly payload: StudioEventMap[StudioEventName];
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

  on<K extends StudioEventName>(name: K): Observable<StudioEventMap[K]> {
    return this.events.pipe(
      filter((event) => event.name === name),
      map((event) => event.payload as StudioEventMap[K]),
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
      socket.on(name, (payload: StudioEventMap[typeof name]) => this.events.next({ name, payload }));
    }
    this.socket = socket;
  }

  private disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connectedState.set(false);
  }
}
