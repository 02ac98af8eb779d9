/** Wrong command-line usage (unknown option, missing value): exit status 2, as getopt tools do. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
