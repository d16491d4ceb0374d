// placeholder: replaced by its owner (the server helper)
#include "store/migrations.h"

namespace ketaclinic::store {

Migration AuthMigration() { return {6, "login sessions", "SELECT 1", "SELECT 1"}; }

}  // namespace ketaclinic::store
