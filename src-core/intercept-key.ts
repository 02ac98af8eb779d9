/**
 * The intercept's name among a model's terms: the key of its coefficient in the model file
 * (model-file.ts re-exports it) and its row in the statistics tables. Its own module because the
 * training worker needs the name and nothing else of model-file.ts, whose zod schemas would
 * otherwise load in that thread at every start (issue #16).
 */
export const INTERCEPT_KEY = '(intercept)'
