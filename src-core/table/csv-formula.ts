/**
 * Text that a spreadsheet would run as a formula when it opens a CSV file ("CSV injection",
 * OWASP: https://owasp.org/www-community/attacks/CSV_Injection): a cell or header beginning with
 * `=`, `+`, `-`, `@`, tab or carriage return. Every CSV Slope writes passes this to papaparse's
 * `escapeFormulae`, which prefixes such text with a single quote; papaparse leaves JavaScript
 * numbers alone, so a negative number Slope computed stays a number. Unlike papaparse's default
 * pattern (`/^[=+\-@\t\r].*$/`, whose `.` stops at a line break), this one also catches a
 * header like "=cmd\nx".
 */
export const CSV_FORMULA_START = /^[=+\-@\t\r]/
