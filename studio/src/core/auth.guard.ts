import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { AuthService } from './auth.service';

export const signedIn: CanActivateFn = () => inject(AuthService).signedIn() || inject(Router).parseUrl('/login');
export const signedOut: CanActivateFn = () => !inject(AuthService).signedIn() || inject(Router).parseUrl('/generate');
