#ifndef KETACLINIC_PK_REGISTRY_H_
#define KETACLINIC_PK_REGISTRY_H_

#include <string_view>
#include <vector>

#include "base/error.h"
#include "pk/model.h"

namespace ketaclinic::pk {

// The published ketamine models built in, in the order they are listed (reference/pk.md §1.1):
// domino, clements, hijazi, kamp, herd. Every parameter carries its source in registry.cc.
const std::vector<ModelDefinition>& BuiltInModels();

// The built-in model named `name` (case-sensitive), or a NotFound error that lists the names.
Result<ModelDefinition> FindModel(std::string_view name);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_REGISTRY_H_
