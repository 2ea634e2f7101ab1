import type { Routes } from '@angular/router';
import { signedIn, signedOut } from '../core/auth.guard';

/** Every screen is its own lazy chunk, so the initial bundle stays the shell. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'generate' },
  { path: 'login', canActivate: [signedOut], title: 'Sign in · Pinksea', loadComponent: () => import('../auth/login.component').then((m) => m.LoginComponent) },
  { path: 'generate', canActivate: [signedIn], title: 'Generate · Pinksea', loadComponent: () => import('../generate/generate.component').then((m) => m.GenerateComponent) },
  { path: 'gallery', canActivate: [signedIn], title: 'Gallery · Pinksea', loadComponent: () => import('../gallery/gallery.component').then((m) => m.GalleryComponent) },
  { path: 'queue', canActivate: [signedIn], title: 'Queue · Pinksea', loadComponent: () => import('../queue/queue.component').then((m) => m.QueueComponent) },
  { path: 'models', canActivate: [signedIn], title: 'Models · Pinksea', loadComponent: () => import('../models/models.component').then((m) => m.ModelsComponent) },
  { path: 'workflows', canActivate: [signedIn], title: 'Workflows · Pinksea', loadComponent: () => import('../workflows/workflows.component').then((m) => m.WorkflowsComponent) },
  { path: 'automations', canActivate: [signedIn], title: 'Automations · Pinksea', loadComponent: () => import('../automations/automations.component').then((m) => m.AutomationsComponent) },
  { path: 'automations/runs', canActivate: [signedIn], title: 'Run history · Pinksea', loadComponent: () => import('../automations/automation-runs.component').then((m) => m.AutomationRunsComponent) },
  { path: 'automations/runs/:runId', canActivate: [signedIn], title: 'Run · Pinksea', loadComponent: () => import('../automations/automation-run.component').then((m) => m.AutomationRunComponent) },
  { path: 'account', canActivate: [signedIn], title: 'Account · Pinksea', loadComponent: () => import('../account/account.component').then((m) => m.AccountComponent) },
  // Open to visitors as well: the sign-in page and a 402's message link here.
  { path: 'pricing', title: 'Pricing · Pinksea', loadComponent: () => import('../billing/pricing.component').then((m) => m.PricingComponent) },
  { path: '**', redirectTo: 'generate' },
];
