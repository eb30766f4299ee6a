/** Partner countries offered first; any ISO 3166-1 code the form names can be typed. */
export const COUNTRIES = ["CN", "HK", "SG", "JP", "KR", "TW", "US", "GB", "DE", "FR", "CH", "AU", "IN"];
