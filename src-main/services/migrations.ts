/**
 * Numbered schema migrations. PRAGMA user_version holds the number of the last one applied;
 * each runs in its own transaction. Append only: never edit a migration that has shipped.
 *
 * Loss history is stored in chunks (one row per progress batch, Float64 BLOBs), not one row per
 * epoch: a million-epoch run is a few hundred rows instead of a million, and appending costs one
 * insert per 50 ms of training (bench/suites/store.ts measures both layouts).
 */
export const migrations: readonly string[] = [
  // 1: datasets, runs, tags, loss history
  `
  CREATE TABLE datasets (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    row_count    INTEGER NOT NULL CHECK (row_count >= 0),
    -- JSON: { firstRowNumber, excluded: [{name, reason}], cellText: [[col, row, text]], import: {...} }
    source       TEXT    NOT NULL DEFAULT '{}',
    created_at   TEXT    NOT NULL
  );
  CREATE INDEX datasets_by_sha256 ON datasets (sha256);

  -- The numeric data, stored once per dataset and shared by all its runs: one Float64 BLOB per column.
  CREATE TABLE dataset_columns (
    dataset_id   INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    PRIMARY KEY (dataset_id, position),
    UNIQUE (dataset_id, name)
  ) WITHOUT ROWID;

  CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    dataset_id     INTEGER NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    group_id       TEXT,                       -- runs started together by one sweep
    target         TEXT    NOT NULL,
    features       TEXT    NOT NULL,           -- JSON array of names
    config         TEXT    NOT NULL,           -- JSON TrainConfig, complete (defaults filled)
    status         TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'diverged', 'cancelled', 'interrupted', 'failed')),
    created_at     TEXT    NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    epochs_run     INTEGER NOT NULL DEFAULT 0,
    diverged_at    INTEGER,
    train_ms       REAL,
    final_loss     REAL,
    best_loss      REAL,
    final_val_loss REAL,
    outcome        TEXT,                       -- JSON: model, metrics, exact reference, statistics
    model          TEXT,                       -- JSON model document (resources/model.schema.json)
    error          TEXT,                       -- why a run failed, as shown to the user
    notes          TEXT    NOT NULL DEFAULT '',
    starred        INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1))
  );
  CREATE INDEX runs_by_dataset ON runs (dataset_id);
  CREATE INDEX runs_by_group ON runs (group_id) WHERE group_id IS NOT NULL;
  CREATE INDEX runs_by_status ON runs (status);

  CREATE TABLE run_tags (
    run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tag     TEXT    NOT NULL,
    PRIMARY KEY (run_id, tag)
  ) WITHOUT ROWID;

  CREATE TABLE loss_chunks (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    first_epoch INTEGER NOT NULL,
    loss        BLOB    NOT NULL,              -- Float64 little-endian, one per epoch
    val_loss    BLOB,                          -- same length, or NULL without validation
    PRIMARY KEY (run_id, first_epoch)
  ) WITHOUT ROWID;
  `,
  // 2: wall time of each history chunk, for plotting loss against time
  `ALTER TABLE loss_chunks ADD COLUMN elapsed_ms REAL;`,
  // 3: runs belong to the process that trains them (run-owner.ts: a lease refreshed by a heartbeat).
  // Runs active before this migration have no owner and read interrupted, as every start did before.
  `
  CREATE TABLE run_owners (
    id           TEXT    PRIMARY KEY,          -- host:pid:start-ms:random
    pid          INTEGER NOT NULL,
    host         TEXT    NOT NULL,
    started_at   TEXT    NOT NULL,
    heartbeat_at INTEGER NOT NULL              -- ms since the epoch, refreshed every few seconds
  ) WITHOUT ROWID;
  ALTER TABLE runs ADD COLUMN owner_id TEXT;
  `,
  // 4: each dataset's preparation (target, features, the "data" settings), restored when it is
  // reopened; one row per dataset, gone with it. A new version of the same file inherits it.
  `
  CREATE TABLE dataset_preparations (
    dataset_id   INTEGER PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    preparation  TEXT    NOT NULL,             -- JSON DatasetPreparation (contract.ts)
    updated_at   TEXT    NOT NULL
  );
  `,
  // 5: formulas (README "Formulas"). A dataset's text columns, dictionary-encoded, so a formula can
  // use them as factors; and the formula a run was started with (its target and features are then
  // the formula's response and design columns, rebuilt from the dataset when the run starts).
  `
  CREATE TABLE dataset_text_columns (
    dataset_id   INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    levels       TEXT    NOT NULL,             -- JSON array of the distinct texts, code-point order
    codes        BLOB    NOT NULL,             -- Float64 per row: index into levels, NaN for an empty cell
    PRIMARY KEY (dataset_id, position),
    UNIQUE (dataset_id, name)
  ) WITHOUT ROWID;
  ALTER TABLE runs ADD COLUMN formula TEXT;
  `,
  // 6: linked datasets (#17): files read in place through DuckDB, never copied. What was true when
  // they were linked (size, mtime, fingerprint per file) is kept to detect a change before training.
  `
  CREATE TABLE linked_datasets (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    pattern     TEXT    NOT NULL,              -- the path or glob as given, made absolute
    format      TEXT    NOT NULL CHECK (format IN ('csv', 'parquet')),
    files       TEXT    NOT NULL,              -- JSON LinkedFile[]: path, sizeBytes, mtimeMs, fingerprint
    columns     TEXT    NOT NULL,              -- JSON LinkedColumn[]: name, DuckDB type
    statistics  TEXT    NOT NULL,              -- JSON LinkedStatistics from one DuckDB pass
    row_count   INTEGER NOT NULL CHECK (row_count >= 0),
    created_at  TEXT    NOT NULL
  );
  CREATE INDEX linked_datasets_by_pattern ON linked_datasets (pattern);
  `,
  // 7: runs trained on linked files (#17). A linked dataset gets one row in datasets, without
  // dataset_columns (its data stay in the files), so that runs keep their dataset_id; its source
  // JSON says { "linked": <linked_datasets.id> }. Each such run records what it read:
  // JSON { linkedDatasetId, pattern, where, files } (null for runs on imported data).
  `ALTER TABLE runs ADD COLUMN linked TEXT;`,
]
