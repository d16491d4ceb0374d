// placeholder: replaced by its owner (the ledger helper)
#include "store/migrations.h"

namespace ketaclinic::store {

Migration LedgerMigration() { return {5, "controlled-substance ledger", "SELECT 1", "SELECT 1"}; }

}  // namespace ketaclinic::store
