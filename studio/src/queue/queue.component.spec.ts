import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import type { QueueItemView, SocketEventMap } from '../core/api-types';
import { LiveEventsService } from '../core/live-events.service';
import { QueueComponent } from './queue.component';
import { queueItem } from './queue-format.spec';

function item(id: string, status: QueueItemView['status']): QueueItemView {
  return { ...queueItem(id, 'batch-1'), status };
}

describe('QueueComponent', () => {
  const statusEvents = new Subject<SocketEventMap['queue_item_status_changed']>();
  const fakeEvents = {
    on: (name: string) => (name === 'queue_item_status_changed' ? statusEvents : new Subject()),
    reconnected$: new Subject<void>(),
  };

  beforeEach(() =>
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: LiveEventsService, useValue: fakeEvents }],
    }),
  );

  it('lists items, offers cancel for a queued one, and follows status events', async () => {
    const fixture = TestBed.createComponent(QueueComponent);
    const backend = TestBed.inject(HttpTestingController);
    backend.expectOne((request) => request.url === '/api/v1/queue/default/list').flush({ items: [item('1', 'failed'), item('2', 'pending')], total: 2, limit: 200, offset: 0 });
    await fixture.whenStable();
    const rows: HTMLElement[] = Array.from(fixture.nativeElement.querySelectorAll('[data-testid="queue-row"]'));
    expect(rows.map((row) => row.dataset['status'])).toEqual(['pending', 'failed']);
    expect(rows[0]!.querySelector('button')?.textContent).toContain('Cancel');
    expect(rows[1]!.querySelector('button')?.textContent).toContain('Retry');

    statusEvents.next({ queueId: 'default', itemId: '2', batchId: 'batch-1', status: 'canceled' });
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[data-testid="queue-row"]').dataset['status']).toBe('canceled');
    backend.verify();
  });
});
