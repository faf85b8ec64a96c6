// The venue's locale decides how numeric dates are read (6/12: 6 December at AU/NZ/GB venues,
// June 12 at US ones) and which country a local phone number belongs to. The booking (or venue)
// may say its locale; otherwise it is inferred from the IANA timezone.
const MONTH_FIRST_REGIONS = new Set(['US', 'PH', 'FM', 'MH', 'PW', 'CA-US']);

const ZONE_REGION: Array<[RegExp, string]> = [
  [/^Australia\//, 'AU'],
  [/^Pacific\/(Auckland|Chatham)$/, 'NZ'],
  [/^Europe\/(London|Belfast|Guernsey|Isle_of_Man|Jersey)$/, 'GB'],
  [/^Europe\/Dublin$/, 'IE'],
  [/^America\/(Toronto|Vancouver|Edmonton|Winnipeg|Halifax|St_Johns|Regina|Montreal)$/, 'CA'],
  [/^(America\/(New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Detroit|Boise|Indiana\/.*|Kentucky\/.*)|Pacific\/Honolulu|US\/.*)$/, 'US'],
  [/^Asia\/Singapore$/, 'SG'],
  [/^Asia\/Dubai$/, 'AE'],
  [/^Africa\/Johannesburg$/, 'ZA'],
];

/** Region of a BCP 47 locale ("en-AU" → "AU"), else of the timezone. */
export function regionFor(locale: string | undefined, timezone: string): string | undefined {
  if (locale) {
    try {
      const region = new Intl.Locale(locale).maximize().region;
      if (region) return region;
    } catch {
      /* not a locale: fall back to the timezone */
    }
  }
  return ZONE_REGION.find(([re]) => re.test(timezone))?.[1];
}

/** Day-first unless the region writes month-first (US and a few others); unknown → day-first, then ambiguous dates are asked. */
export function dayFirstFor(locale: string | undefined, timezone: string): boolean {
  const region = regionFor(locale, timezone);
  return !(region && MONTH_FIRST_REGIONS.has(region));
}

export function countryFor(locale: string | undefined, timezone: string): string | undefined {
  return regionFor(locale, timezone);
}
