import { Injectable, computed, signal } from '@angular/core';
import { errorMessage } from './api-error';

export interface Toast {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

const TOAST_MS = 6000;

/** Short messages in a corner; errors show the server's own message. */
@Injectable({ providedIn: 'root' })
export class ToastService {
  private readonly list = signal<readonly Toast[]>([]);
  private nextId = 1;
  readonly toasts = computed(() => this.list());

  info(text: string): void {
    this.push('info', text);
  }

  error(error: unknown): void {
    this.push('error', typeof error === 'string' ? error : errorMessage(error));
  }

  dismiss(id: number): void {
    this.list.update((toasts) => toasts.filter((toast) => toast.id !== id));
  }

  private push(kind: Toast['kind'], text: string): void {
    const id = this.nextId++;
    this.list.update((toasts) => [...toasts.slice(-4), { id, kind, text }]);
    setTimeout(() => this.dismiss(id), TOAST_MS);
  }
}
