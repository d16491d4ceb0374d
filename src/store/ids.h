#ifndef KETACLINIC_STORE_IDS_H_
#define KETACLINIC_STORE_IDS_H_

// Randomness for the store, from libsodium's CSPRNG (which this header initializes).

#include <cstdint>
#include <string>

namespace ketaclinic::store {

// Initializes libsodium once (thread-safe); every use of libsodium in the module goes through a
// function that calls this first.
void EnsureSodium();

// A new record id: a random (version 4) UUID, "3f2b...-4...". Fits FHIR's id rule.
std::string NewId();

// A uniformly random number in [0, upper) (upper > 0).
uint32_t RandomBelow(uint32_t upper);

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_IDS_H_
