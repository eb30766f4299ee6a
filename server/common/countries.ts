import countries from "i18n-iso-countries";
import { BadUserInputError } from "../errors.js";

/** ISO 3166-1 alpha-2, upper case, and assigned (XX is well-formed but no country). */
export function requireCountryCode(value: string, field: string): string {
  if (!/^[A-Z]{2}$/.test(value) || !countries.isValid(value)) {
    throw new BadUserInputError(field, `${field} must be an ISO 3166-1 alpha-2 country code in upper case, such as CA or CN`);
  }
  return value;
}
