/**
 * How a setting is declared: its environment variable, type, default and documentation, in one
 * place (after n8n's @n8n/config). Parsing reports every bad value at once, naming the variable.
 */

export type SettingType = 'string' | 'integer' | 'boolean' | 'url' | 'enum' | 'duration';

export interface SettingSpec<T> {
  readonly env: string;
  readonly type: SettingType;
  readonly default: T;
  readonly doc: string;
  readonly options?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Never printed (secrets). */
  readonly secret?: boolean;
}

export function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads one setting from `env`; a problem goes to `problems` and the default is kept. */
export function readSetting<T>(spec: SettingSpec<T>, env: Readonly<Record<string, string | undefined>>, problems: string[]): T {
  const raw = env[spec.env];
  if (raw === undefined || raw === '') return spec.default;
  const fail = (expected: string): T => {
    problems.push(`${spec.env}: expected ${expected}, got ${spec.secret ? '(hidden)' : JSON.stringify(raw)}`);
    return spec.default;
  };
  switch (spec.type) {
    case 'string':
      return raw as T;
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) return fail('a whole number');
      const value = Number(raw);
      if (spec.min !== undefined && value < spec.min) return fail(`at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) return fail(`at most ${spec.max}`);
      return value as T;
    }
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true as T;
      if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false as T;
      return fail('true or false');
    case 'url':
      try {
        new URL(raw);
        return raw as T;
      } catch {
        return fail('a URL');
      }
    case 'enum':
      return (spec.options ?? []).includes(raw) ? (raw as T) : fail(`one of ${(spec.options ?? []).join(', ')}`);
    case 'duration': {
      const match = DURATION.exec(raw);
      return match ? ((Number(match[1]) * UNIT_MS[match[2]!]!) as T) : fail('a duration such as 15m, 30s or 7d');
    }
  }
}
