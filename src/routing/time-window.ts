// A route's day/time window (`when.time`), evaluated for a given instant in the window's time zone.
// Pure: the instant comes from the caller (RouteRequest.at), the zone rules from Intl.
import { DAY_NAMES, type TimeWindowConfig } from './config.js';

export interface TimeCheck {
  inside: boolean;
  /** The instant as the window sees it, e.g. "tue 19:05 America/New_York". */
  local: string;
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * `from`–`to` on `days` (all days when absent) in `tz`. A window whose `to` is not after `from`
 * runs over midnight, and its early-morning part belongs to the day it started on: "fri 22:00–06:00"
 * includes Saturday 02:00.
 */
export class TimeWindow {
  readonly #fmt: Intl.DateTimeFormat;
  readonly #days: ReadonlySet<number> | undefined;
  readonly #from: number;
  readonly #to: number;
  readonly #tz: string;
  readonly #text: string;

  constructor(spec: TimeWindowConfig) {
    this.#tz = spec.tz;
    this.#fmt = new Intl.DateTimeFormat('en-US', { timeZone: spec.tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.#days = spec.days === undefined ? undefined : new Set(spec.days.map((d) => DAY_NAMES.indexOf(d)));
    this.#from = minutes(spec.from);
    this.#to = minutes(spec.to);
    this.#text = `${spec.days === undefined ? 'every day' : spec.days.join(',')} ${spec.from}-${spec.to} ${spec.tz}`;
  }

  /** e.g. "mon,tue,wed,thu,fri 08:00-18:00 UTC". */
  toString(): string {
    return this.#text;
  }

  check(at: Date): TimeCheck {
    let day = 0;
    let hour = 0;
    let minute = 0;
    for (const p of this.#fmt.formatToParts(at)) {
      if (p.type === 'weekday') day = DAY_NAMES.indexOf(p.value.toLowerCase() as (typeof DAY_NAMES)[number]);
      else if (p.type === 'hour') hour = Number(p.value);
      else if (p.type === 'minute') minute = Number(p.value);
    }
    const t = hour * 60 + minute;
    const local = `${DAY_NAMES[day]} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} ${this.#tz}`;
    let inside: boolean;
    let startDay = day;
    if (this.#from < this.#to) {
      inside = t >= this.#from && t < this.#to;
    } else if (t >= this.#from) {
      inside = true;
    } else {
      inside = t < this.#to;
      startDay = (day + 6) % 7;
    }
    if (inside && this.#days !== undefined) inside = this.#days.has(startDay);
    return { inside, local };
  }
}
