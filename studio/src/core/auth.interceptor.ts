import { HttpErrorResponse, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, switchMap, throwError } from 'rxjs';
import { API_BASE } from './api-types';
import { AuthService } from './auth.service';

/**
 * Sends the access token with every API call; on a 401 refreshes it once and retries, and when the
 * refresh is refused too, signs out and returns to the sign-in page.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  if (!request.url.startsWith(API_BASE)) return next(request);
  const auth = inject(AuthService);
  const router = inject(Router);
  const token = auth.token();
  if (!token) return next(request);
  return next(withToken(request, token)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
      return auth.refresh().pipe(
        catchError((refreshError: unknown) => {
          auth.expire();
          void router.navigate(['/login']);
          return throwError(() => refreshError);
        }),
        switchMap((fresh) => next(withToken(request, fresh))),
      );
    }),
  );
};

function withToken(request: HttpRequest<unknown>, token: string): HttpRequest<unknown> {
  return request.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
}
