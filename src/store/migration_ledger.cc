// Migration 5: the controlled-substance ledger (clinical.md §5.4; docs/LEDGER.md "Storage and
// commands"). Master data (products, lots, vials) and the append-only ledger entries. Every
// quantity is an exact integer of micrograms (or µg/mL, µL): never REAL, so no balance is ever
// off by rounding. The rules live in clinical/ledger.h; storage (ledger_store.cc) replays the
// entries a new entry depends on, applies it with clinical::ApplyEntryInPlace and inserts it only
// if it was accepted. Writers of one vial are serialized by a transaction-level advisory lock
// keyed by the vial id on PostgreSQL (no table privilege needed, unlike SELECT ... FOR UPDATE,
// which the application role's grants do not allow on an append-only table); SQLite has one
// writer anyway (BEGIN IMMEDIATE).
#include "store/migrations.h"

namespace ketaclinic::store {
namespace {

// Entries are ordered by seq (the order in which they were accepted; a replay applies them in
// that order). Empty text means "none" (no session, no witness ...), as in clinical::LedgerEntry.
constexpr std::string_view kLedgerSqlite = R"sql(
CREATE TABLE ledger_products (
  ndc TEXT PRIMARY KEY CHECK (ndc <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  concentration_ug_per_ml INTEGER NOT NULL CHECK (concentration_ug_per_ml > 0),
  vial_volume_ul INTEGER NOT NULL CHECK (vial_volume_ul > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE ledger_lots (
  lot_number TEXT PRIMARY KEY CHECK (lot_number <> ''),
  ndc TEXT NOT NULL REFERENCES ledger_products (ndc),
  expiry TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE ledger_vials (
  id TEXT PRIMARY KEY CHECK (id <> ''),
  lot_number TEXT NOT NULL REFERENCES ledger_lots (lot_number),
  initial_content_ug INTEGER NOT NULL CHECK (initial_content_ug > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE ledger_entries (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  id TEXT NOT NULL UNIQUE CHECK (id <> ''),
  entry_type TEXT NOT NULL CHECK (entry_type IN ('RECEIVE', 'DRAW', 'ADMINISTER', 'WASTE',
    'RETURN_TO_STOCK', 'TRANSFER', 'DESTROY_INVENTORY', 'BREAKAGE', 'ADJUST', 'COUNT')),
  quantity_ug INTEGER NOT NULL,
  vial_id TEXT NOT NULL REFERENCES ledger_vials (id),
  patient_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (actor <> ''),
  witness TEXT NOT NULL,
  reason TEXT NOT NULL,
  location TEXT NOT NULL,
  happened_at TEXT NOT NULL,
  reverses TEXT NOT NULL,
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_entries_by_vial ON ledger_entries (vial_id, seq);
CREATE INDEX ledger_entries_by_session ON ledger_entries (session_id, seq);
CREATE INDEX ledger_entries_by_patient ON ledger_entries (patient_id, seq);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: record a reversing entry'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted: record a reversing entry'); END;
CREATE TRIGGER ledger_products_no_update BEFORE UPDATE ON ledger_products
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
CREATE TRIGGER ledger_products_no_delete BEFORE DELETE ON ledger_products
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
CREATE TRIGGER ledger_lots_no_update BEFORE UPDATE ON ledger_lots
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
CREATE TRIGGER ledger_lots_no_delete BEFORE DELETE ON ledger_lots
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
CREATE TRIGGER ledger_vials_no_update BEFORE UPDATE ON ledger_vials
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
CREATE TRIGGER ledger_vials_no_delete BEFORE DELETE ON ledger_vials
BEGIN SELECT RAISE(ABORT, 'the ledger catalog is append-only'); END;
)sql";

// kc_refuse_change() comes from migration 1.
constexpr std::string_view kLedgerPostgres = R"sql(
CREATE TABLE ledger_products (
  ndc TEXT PRIMARY KEY CHECK (ndc <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  concentration_ug_per_ml BIGINT NOT NULL CHECK (concentration_ug_per_ml > 0),
  vial_volume_ul BIGINT NOT NULL CHECK (vial_volume_ul > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_lots (
  lot_number TEXT PRIMARY KEY CHECK (lot_number <> ''),
  ndc TEXT NOT NULL REFERENCES ledger_products (ndc),
  expiry TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_vials (
  id TEXT PRIMARY KEY CHECK (id <> ''),
  lot_number TEXT NOT NULL REFERENCES ledger_lots (lot_number),
  initial_content_ug BIGINT NOT NULL CHECK (initial_content_ug > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_entries (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE CHECK (id <> ''),
  entry_type TEXT NOT NULL CHECK (entry_type IN ('RECEIVE', 'DRAW', 'ADMINISTER', 'WASTE',
    'RETURN_TO_STOCK', 'TRANSFER', 'DESTROY_INVENTORY', 'BREAKAGE', 'ADJUST', 'COUNT')),
  quantity_ug BIGINT NOT NULL,
  vial_id TEXT NOT NULL REFERENCES ledger_vials (id),
  patient_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (actor <> ''),
  witness TEXT NOT NULL,
  reason TEXT NOT NULL,
  location TEXT NOT NULL,
  happened_at TEXT NOT NULL,
  reverses TEXT NOT NULL,
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX ledger_entries_by_vial ON ledger_entries (vial_id, seq);
CREATE INDEX ledger_entries_by_session ON ledger_entries (session_id, seq);
CREATE INDEX ledger_entries_by_patient ON ledger_entries (patient_id, seq);
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_products_append_only BEFORE UPDATE OR DELETE ON ledger_products
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_products_no_truncate BEFORE TRUNCATE ON ledger_products
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_lots_append_only BEFORE UPDATE OR DELETE ON ledger_lots
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_lots_no_truncate BEFORE TRUNCATE ON ledger_lots
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_vials_append_only BEFORE UPDATE OR DELETE ON ledger_vials
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER ledger_vials_no_truncate BEFORE TRUNCATE ON ledger_vials
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
)sql";

}  // namespace

Migration LedgerMigration() {
  return {5, "controlled-substance ledger (integer micrograms, append-only entries)", kLedgerSqlite,
          kLedgerPostgres};
}

}  // namespace ketaclinic::store
