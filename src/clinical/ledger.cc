#include "clinical/ledger.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <utility>

#include "base/validation.h"

// Sources (../shared/reference/clinical.md §5.4, "Codeable controlled-substance ledger" [D]):
//   entry types, witness for WASTE/BREAKAGE/DESTROY/ADJUST/COUNT discrepancy, drawn =
//   administered + wasted + returned (tolerance 0), balance never negative, draws closed before
//   the encounter closes, append-only with reversing corrections, session total = ledger
//   ADMINISTER — §5.4 [D]
//   breakage signed by two witnesses — §5.4 [S-low] (DEA FAQ via experts123)
//   wastage recorded per 1304.22(c), no Form 41 — §5.4 [S] (DEA Dear Practitioner letter)
//   inventory on opening and biennially, estimated count for opened CIII containers —
//   §5.4 [S partial] / [R] 21 CFR 1304.11
//   administration record fields — §5.4 [R field list] 1304.22(c)

namespace ketaclinic::clinical {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kMaxConcentrationUgPerMl = 1'000'000;  // 1 g/mL: no solution is denser
constexpr std::int64_t kMaxVialVolumeUl = 1'000'000;          // 1 L

std::string Mg(Micrograms ug) { return FormatMilligrams(ug) + " mg"; }

std::string FormatDate(year_month_day date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// NDC: labeler-product-package as 4-4-2, 5-3-2, 5-4-1 (10 digits) or 5-4-2 (11 digits), or the
// labeler-product part alone (4-4, 5-3, 5-4), e.g. 67457-108.
bool IsNdc(std::string_view ndc) {
  std::vector<std::size_t> lengths;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = ndc.find('-', start);
    const std::string_view part =
        ndc.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    if (!AllDigits(part)) return false;
    lengths.push_back(part.size());
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  static const std::array<std::vector<std::size_t>, 7> kShapes = {{
      {4, 4, 2},
      {5, 3, 2},
      {5, 4, 1},
      {5, 4, 2},
      {4, 4},
      {5, 3},
      {5, 4},
  }};
  return std::find(kShapes.begin(), kShapes.end(), lengths) != kShapes.end();
}

Error Refused(std::vector<FieldProblem> problems) {
  return Error(ErrorCode::kFailedPrecondition, "ledger entry refused", std::move(problems));
}

Status Refuse(std::string field, std::string reason) {
  return tl::unexpected(Refused({FieldProblem{std::move(field), std::move(reason)}}));
}

bool IsExpired(const Lot& lot, Instant time) {
  return std::chrono::floor<days>(time) > sys_days(lot.expiry);
}

Micrograms OpenTotal(const VialBalance& b) {
  Micrograms total = 0;
  for (const auto& [session, draw] : b.open_draws) total += draw.open_ug;
  return total;
}

Micrograms OpenFor(const VialBalance& b, const std::string& session) {
  auto it = b.open_draws.find(session);
  return it == b.open_draws.end() ? 0 : it->second.open_ug;
}

void AddOpen(VialBalance& b, const std::string& session, const std::string& patient,
             Micrograms ug) {
  OpenDraw& draw = b.open_draws[session];
  draw.patient_id = patient;
  draw.open_ug += ug;
}

void TakeOpen(VialBalance& b, const std::string& session, Micrograms ug) {
  auto it = b.open_draws.find(session);
  KC_CHECK(it != b.open_draws.end() && it->second.open_ug >= ug);
  it->second.open_ug -= ug;
  if (it->second.open_ug == 0) b.open_draws.erase(it);
}

// A malformed entry, whatever the ledger holds: every problem at once.
Status ValidateEntryShape(const LedgerEntry& e) {
  Validator v("invalid ledger entry");
  const char* type = EntryTypeName(e.type);
  const bool reversal = !e.reverses.empty();
  v.Require(!e.meta.id.empty(), "meta.id", "an entry needs an id");
  v.Require(e.meta.version == 1, "meta.version",
            "ledger entries are never amended; correct one with a reversing entry");
  v.Require(e.meta.status == RecordStatus::kActive, "meta.status",
            "ledger entries are never withdrawn; correct one with a reversing entry");
  v.Require(!e.actor.empty(), "actor", "an entry names who did it");
  v.Require(!e.vial_id.empty(), "vial_id", "an entry names its vial");

  const Micrograms q = e.quantity_ug;
  const std::string limit = " (at most " + Mg(kMaxEntryUg) + ")";
  switch (e.type) {
    case EntryType::kAdjust:
      v.Require(q != 0 && q >= -kMaxEntryUg && q <= kMaxEntryUg, "quantity_ug",
                "an ADJUST changes the content by a non-zero amount" + limit);
      break;
    case EntryType::kCount:
      v.Require(q >= 0 && q <= kMaxEntryUg, "quantity_ug",
                "a COUNT is what was found, 0 or more" + limit);
      break;
    default:
      v.Require(q > 0 && q <= kMaxEntryUg, "quantity_ug",
                std::string("a ") + type + " moves a positive quantity" + limit);
      break;
  }

  if (!e.witness.empty() && e.witness == e.actor) {
    v.Add({"witness", "the witness must be someone other than the actor"});
  } else if (NeedsWitness(e.type) && e.witness.empty()) {
    v.Add({"witness",
           std::string("a ") + type + " needs a witness who is not the actor (clinical.md §5.4)"});
  }

  const bool needs_reason = reversal || e.type == EntryType::kBreakage ||
                            e.type == EntryType::kDestroyInventory || e.type == EntryType::kAdjust;
  if (needs_reason && e.reason.empty()) {
    v.Add({"reason", reversal ? std::string("a reversal says why the entry was wrong")
                              : std::string("a ") + type + " records its reason"});
  }

  switch (e.type) {
    case EntryType::kDraw:
    case EntryType::kAdminister:
      v.Require(!e.session_id.empty(), "session_id",
                std::string("a ") + type + " belongs to a session");
      v.Require(!e.patient_id.empty(), "patient_id",
                std::string("a ") + type + " names the patient");
      break;
    case EntryType::kReturnToStock:
      v.Require(!e.session_id.empty(), "session_id",
                "a RETURN_TO_STOCK names the session whose draw is returned");
      break;
    case EntryType::kReceive:
    case EntryType::kTransfer:
      if (!reversal) {
        v.Require(!e.location.empty(), "location",
                  std::string("a ") + type + " names the storage location");
      }
      break;
    default:
      break;
  }

  if (reversal) {
    v.Require(e.type != EntryType::kCount, "reverses",
              "a COUNT is an observation and is not reversed; record a new count");
    v.Require(e.reverses != e.meta.id, "reverses", "an entry cannot reverse itself");
  }
  v.Require(e.time <= e.meta.recorded_at, "time",
            "is after the entry was recorded (" + FormatRfc3339(e.meta.recorded_at) +
                "): an event is recorded when or after it happens");
  return v.Finish();
}

// The effect of a forward entry on the vial's books.
Status ApplyForward(const LedgerState& state, const Vial& vial, const Lot& lot, VialBalance& b,
                    const LedgerEntry& e, AppliedEntry& applied) {
  const Micrograms q = e.quantity_ug;
  const std::string& s = e.session_id;
  auto no_stock = [&](const char* what) {
    return Refuse("quantity_ug", std::string(what) + " " + Mg(q) + " but vial " + vial.id +
                                     " holds " + Mg(b.in_vial_ug) +
                                     ": the balance can never go negative");
  };
  // ADMINISTER, WASTE (from a draw) and RETURN_TO_STOCK take from an open draw of the session,
  // for the patient it was drawn for.
  auto from_draw = [&](const char* what) -> Status {
    auto it = b.open_draws.find(s);
    if (it == b.open_draws.end()) {
      return Refuse("session_id", std::string("session ") + s + " has no open draw from vial " +
                                      vial.id + " to " + what);
    }
    if (!e.patient_id.empty() && e.patient_id != it->second.patient_id) {
      return Refuse("patient_id",
                    "the draw of session " + s + " was for patient " + it->second.patient_id);
    }
    if (it->second.open_ug < q) {
      return Refuse("quantity_ug", std::string("cannot ") + what + " " + Mg(q) + ": session " + s +
                                       " has " + Mg(it->second.open_ug) +
                                       " drawn and not yet given, wasted or returned");
    }
    applied.patient_id = it->second.patient_id;
    TakeOpen(b, s, q);
    return OkStatus();
  };

  switch (e.type) {
    case EntryType::kReceive:
      if (q != vial.initial_content_ug) {
        return Refuse("quantity_ug", "vial " + vial.id + " is received whole: " +
                                         Mg(vial.initial_content_ug) + ", not " + Mg(q));
      }
      b.in_vial_ug += q;
      b.received_ug += q;
      b.location = e.location;
      return OkStatus();
    case EntryType::kDraw: {
      if (IsExpired(lot, e.time)) {
        return Refuse("vial_id", "lot " + lot.lot_number + " expired on " + FormatDate(lot.expiry) +
                                     "; nothing is drawn from it");
      }
      auto patient = state.session_patient.find(s);
      if (patient != state.session_patient.end() && patient->second != e.patient_id) {
        return Refuse("patient_id", "session " + s + " is for patient " + patient->second);
      }
      if (b.in_vial_ug < q) return no_stock("cannot draw");
      b.in_vial_ug -= q;
      b.drawn_ug += q;
      b.opened = true;
      AddOpen(b, s, e.patient_id, q);
      applied.patient_id = e.patient_id;
      return OkStatus();
    }
    case EntryType::kAdminister:
      if (auto status = from_draw("administer"); !status) return status;
      b.administered_ug += q;
      return OkStatus();
    case EntryType::kWaste:
      if (!s.empty()) {
        if (auto status = from_draw("waste"); !status) return status;
        b.wasted_from_draw_ug += q;
        return OkStatus();
      }
      if (b.in_vial_ug < q) return no_stock("cannot waste");
      b.in_vial_ug -= q;
      b.wasted_from_vial_ug += q;
      return OkStatus();
    case EntryType::kReturnToStock:
      if (auto status = from_draw("return"); !status) return status;
      b.returned_ug += q;
      b.in_vial_ug += q;
      return OkStatus();
    case EntryType::kTransfer:
      if (e.location == b.location) {
        return Refuse("location", "vial " + vial.id + " is already in " + b.location);
      }
      if (q != b.in_vial_ug) {
        return Refuse("quantity_ug",
                      "a TRANSFER moves the whole vial: " + Mg(b.in_vial_ug) + ", not " + Mg(q));
      }
      applied.previous_location = b.location;
      applied.location = e.location;
      b.location = e.location;
      return OkStatus();
    case EntryType::kDestroyInventory:
      if (b.in_vial_ug < q) return no_stock("cannot destroy");
      b.in_vial_ug -= q;
      b.destroyed_ug += q;
      return OkStatus();
    case EntryType::kBreakage:
      if (b.in_vial_ug < q) return no_stock("cannot record breakage of");
      b.in_vial_ug -= q;
      b.broken_ug += q;
      return OkStatus();
    case EntryType::kAdjust:
      if (b.in_vial_ug + q < 0) return no_stock("cannot adjust by");
      if (b.in_vial_ug + OpenTotal(b) + q > vial.initial_content_ug) {
        return Refuse("quantity_ug", "vial " + vial.id + " would hold more than the " +
                                         Mg(vial.initial_content_ug) + " it was received with");
      }
      b.in_vial_ug += q;
      b.adjusted_ug += q;
      return OkStatus();
    case EntryType::kCount:
      if (q != b.in_vial_ug) {
        std::vector<FieldProblem> problems;
        const std::string found =
            "the count (" + Mg(q) + ") differs from the book (" + Mg(b.in_vial_ug) + "): ";
        if (e.witness.empty()) {
          problems.push_back({"witness", found + "a discrepancy needs a witness who is not "
                                                 "the actor (clinical.md §5.4)"});
        }
        if (e.reason.empty()) problems.push_back({"reason", found + "say what was found"});
        if (!problems.empty()) return tl::unexpected(Refused(std::move(problems)));
      }
      return OkStatus();
  }
  return Refuse("type", "unknown entry type");
}

// The inverse of the applied entry `o`, which the entry being applied reverses.
Status ApplyReversal(const Vial& vial, VialBalance& b, const AppliedEntry& o) {
  const Micrograms q = o.quantity_ug;
  auto take_stock = [&](Micrograms& counter) -> Status {
    if (b.in_vial_ug < q) {
      return Refuse("reverses", "reversing it would take " + Mg(q) + " from vial " + vial.id +
                                    ", which holds " + Mg(b.in_vial_ug));
    }
    b.in_vial_ug -= q;
    counter -= q;
    return OkStatus();
  };
  switch (o.type) {
    case EntryType::kReceive:
      return take_stock(b.received_ug);
    case EntryType::kDraw:
      if (OpenFor(b, o.session_id) < q) {
        return Refuse("reverses", "session " + o.session_id + " no longer holds the " + Mg(q) +
                                      " drawn; reverse what was given or wasted first");
      }
      TakeOpen(b, o.session_id, q);
      b.drawn_ug -= q;
      b.in_vial_ug += q;
      return OkStatus();
    case EntryType::kAdminister:
      b.administered_ug -= q;
      AddOpen(b, o.session_id, o.patient_id, q);
      return OkStatus();
    case EntryType::kWaste:
      if (!o.session_id.empty()) {
        b.wasted_from_draw_ug -= q;
        AddOpen(b, o.session_id, o.patient_id, q);
      } else {
        b.wasted_from_vial_ug -= q;
        b.in_vial_ug += q;
      }
      return OkStatus();
    case EntryType::kReturnToStock:
      if (auto status = take_stock(b.returned_ug); !status) return status;
      AddOpen(b, o.session_id, o.patient_id, q);
      return OkStatus();
    case EntryType::kTransfer:
      if (b.location != o.location) {
        return Refuse("reverses", "vial " + vial.id + " has moved since (it is in " + b.location +
                                      "); record a new TRANSFER");
      }
      b.location = o.previous_location;
      return OkStatus();
    case EntryType::kDestroyInventory:
      b.destroyed_ug -= q;
      b.in_vial_ug += q;
      return OkStatus();
    case EntryType::kBreakage:
      b.broken_ug -= q;
      b.in_vial_ug += q;
      return OkStatus();
    case EntryType::kAdjust:
      if (b.in_vial_ug - q < 0) {
        return Refuse("reverses",
                      "reversing it would leave vial " + vial.id + " at " + Mg(b.in_vial_ug - q));
      }
      b.in_vial_ug -= q;
      b.adjusted_ug -= q;
      return OkStatus();
    case EntryType::kCount:
      break;
  }
  return Refuse("reverses", "a COUNT is not reversed; record a new count");
}

// Checks the reversing entry against the one it reverses, naming every difference.
Status CheckReversal(const LedgerState& state, const LedgerEntry& e) {
  auto it = state.entries.find(e.reverses);
  if (it == state.entries.end()) {
    return Refuse("reverses", "there is no entry " + e.reverses + " in the ledger");
  }
  const AppliedEntry& o = it->second;
  if (o.is_reversal) {
    return Refuse("reverses", e.reverses + " is itself a reversal; record the entry again");
  }
  if (!o.reversed_by.empty()) {
    return Refuse("reverses", e.reverses + " was already reversed by " + o.reversed_by);
  }
  std::vector<FieldProblem> problems;
  const std::string of = " of the entry it reverses (";
  if (o.type != e.type) {
    problems.push_back(
        {"type", std::string("must be the type") + of + EntryTypeName(o.type) + ")"});
  }
  if (o.vial_id != e.vial_id) {
    problems.push_back({"vial_id", "must be the vial" + of + o.vial_id + ")"});
  }
  if (o.quantity_ug != e.quantity_ug) {
    problems.push_back({"quantity_ug", "must be the quantity" + of + Mg(o.quantity_ug) + ")"});
  }
  if (o.session_id != e.session_id) {
    problems.push_back({"session_id", "must be the session" + of + o.session_id + ")"});
  }
  if (!problems.empty()) return tl::unexpected(Refused(std::move(problems)));
  return OkStatus();
}

const Lot* FindLot(const LedgerCatalog& catalog, const Vial& vial) {
  auto it = catalog.lots.find(vial.lot_number);
  return it == catalog.lots.end() ? nullptr : &it->second;
}

const Product* FindProduct(const LedgerCatalog& catalog, const Lot& lot) {
  auto it = catalog.products.find(lot.ndc);
  return it == catalog.products.end() ? nullptr : &it->second;
}

}  // namespace

std::string FormatMilligrams(Micrograms ug) {
  const bool negative = ug < 0;
  // Magnitude as unsigned so that the most negative value does not overflow.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(ug) : static_cast<std::uint64_t>(ug);
  std::string text = (negative ? "-" : "") + std::to_string(magnitude / 1000);
  std::uint64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    char digits[4];
    std::snprintf(digits, sizeof digits, "%03u", static_cast<unsigned>(fraction));
    std::string decimals = digits;
    while (decimals.back() == '0') decimals.pop_back();
    text += "." + decimals;
  }
  return text;
}

Result<Micrograms> NominalContentUg(const Product& product) {
  // µg/mL × µL / 1000 = µg. Both factors are bounded (1 g/mL, 1 L), so the product fits.
  const std::int64_t scaled = product.concentration_ug_per_ml * product.vial_volume_ul;
  if (scaled % 1000 != 0) {
    return tl::unexpected(Error::InvalidArgument(
        "vial_volume_ul", "concentration x volume is not a whole number of micrograms"));
  }
  return scaled / 1000;
}

Status AddProduct(LedgerCatalog& catalog, const Product& product) {
  Validator v("invalid product");
  v.Require(IsNdc(product.ndc), "ndc",
            "'" + product.ndc + "' is not an NDC (4-4-2, 5-3-2, 5-4-1, 5-4-2, or 4-4, 5-3, 5-4)");
  v.Require(catalog.products.count(product.ndc) == 0, "ndc",
            "product " + product.ndc + " is already in the catalog");
  v.Require(!product.name.empty(), "name", "a product has a name");
  const bool concentration_ok = product.concentration_ug_per_ml > 0 &&
                                product.concentration_ug_per_ml <= kMaxConcentrationUgPerMl;
  v.Require(concentration_ok, "concentration_ug_per_ml",
            "must be between 1 and 1,000,000 µg/mL (10 mg/mL = 10000)");
  const bool volume_ok = product.vial_volume_ul > 0 && product.vial_volume_ul <= kMaxVialVolumeUl;
  v.Require(volume_ok, "vial_volume_ul", "must be between 1 and 1,000,000 µL (10 mL = 10000)");
  if (concentration_ok && volume_ok) {
    if (auto content = NominalContentUg(product); !content) v.Merge(content.error(), "");
  }
  if (auto status = v.Finish(); !status) return status;
  catalog.products.emplace(product.ndc, product);
  return OkStatus();
}

Status AddLot(LedgerCatalog& catalog, const Lot& lot) {
  Validator v("invalid lot");
  v.Require(!lot.lot_number.empty(), "lot_number", "a lot has a number");
  v.Require(catalog.lots.count(lot.lot_number) == 0, "lot_number",
            "lot " + lot.lot_number + " is already in the catalog");
  v.Require(catalog.products.count(lot.ndc) == 1, "ndc",
            "product " + lot.ndc + " is not in the catalog");
  v.Require(lot.expiry.ok(), "expiry", "is not a calendar date");
  if (auto status = v.Finish(); !status) return status;
  catalog.lots.emplace(lot.lot_number, lot);
  return OkStatus();
}

Status AddVial(LedgerCatalog& catalog, const Vial& vial) {
  Validator v("invalid vial");
  v.Require(!vial.id.empty(), "id", "a vial has an id");
  v.Require(catalog.vials.count(vial.id) == 0, "id",
            "vial " + vial.id + " is already in the catalog");
  const Lot* lot = nullptr;
  if (auto it = catalog.lots.find(vial.lot_number); it != catalog.lots.end()) lot = &it->second;
  v.Require(lot != nullptr, "lot_number", "lot " + vial.lot_number + " is not in the catalog");
  const Product* product = lot ? FindProduct(catalog, *lot) : nullptr;
  Micrograms nominal = kMaxEntryUg;
  if (product) {
    if (auto content = NominalContentUg(*product); content) nominal = *content;
  }
  v.Require(vial.initial_content_ug > 0 && vial.initial_content_ug <= nominal, "initial_content_ug",
            "must be more than 0 and at most the labelled content, " + Mg(nominal));
  if (auto status = v.Finish(); !status) return status;
  catalog.vials.emplace(vial.id, vial);
  return OkStatus();
}

const char* EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kReceive:
      return "RECEIVE";
    case EntryType::kDraw:
      return "DRAW";
    case EntryType::kAdminister:
      return "ADMINISTER";
    case EntryType::kWaste:
      return "WASTE";
    case EntryType::kReturnToStock:
      return "RETURN_TO_STOCK";
    case EntryType::kTransfer:
      return "TRANSFER";
    case EntryType::kDestroyInventory:
      return "DESTROY_INVENTORY";
    case EntryType::kBreakage:
      return "BREAKAGE";
    case EntryType::kAdjust:
      return "ADJUST";
    case EntryType::kCount:
      return "COUNT";
  }
  return "UNKNOWN";
}

Result<EntryType> ParseEntryType(std::string_view name, std::string_view field) {
  for (EntryType type :
       {EntryType::kReceive, EntryType::kDraw, EntryType::kAdminister, EntryType::kWaste,
        EntryType::kReturnToStock, EntryType::kTransfer, EntryType::kDestroyInventory,
        EntryType::kBreakage, EntryType::kAdjust, EntryType::kCount}) {
    if (name == EntryTypeName(type)) return type;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "'" + std::string(name) +
                              "' is not an entry type (RECEIVE, DRAW, ADMINISTER, WASTE, "
                              "RETURN_TO_STOCK, TRANSFER, DESTROY_INVENTORY, BREAKAGE, ADJUST, "
                              "COUNT)"));
}

bool NeedsWitness(EntryType type) {
  return type == EntryType::kWaste || type == EntryType::kBreakage ||
         type == EntryType::kDestroyInventory || type == EntryType::kAdjust;
}

Status ApplyEntryInPlace(LedgerState& state, const LedgerEntry& e) {
  if (auto status = ValidateEntryShape(e); !status) return status;
  if (state.entries.count(e.meta.id) != 0) {
    return Refuse("meta.id", "entry " + e.meta.id + " is already in the ledger");
  }
  auto vial_it = state.catalog.vials.find(e.vial_id);
  if (vial_it == state.catalog.vials.end()) {
    return Refuse("vial_id", "vial " + e.vial_id + " is not in the catalog");
  }
  const Vial& vial = vial_it->second;
  const Lot* lot = FindLot(state.catalog, vial);
  if (lot == nullptr || FindProduct(state.catalog, *lot) == nullptr) {
    return Refuse("vial_id", "the lot or product of vial " + vial.id + " is not in the catalog");
  }

  const bool reversal = !e.reverses.empty();
  auto balance_it = state.vials.find(e.vial_id);
  const bool received = balance_it != state.vials.end() && balance_it->second.received_ug > 0;
  if (!reversal && e.type == EntryType::kReceive && received) {
    return Refuse("vial_id", "vial " + vial.id + " was already received");
  }
  if (!reversal && e.type != EntryType::kReceive && !received) {
    return Refuse("vial_id", "vial " + vial.id + " has not been received");
  }
  if (reversal) {
    if (auto status = CheckReversal(state, e); !status) return status;
  }
  // Work on a copy of the vial's books; the state changes only once everything passed.
  VialBalance b = balance_it != state.vials.end() ? balance_it->second : VialBalance{};
  if (b.last_entry_at && e.time < *b.last_entry_at) {
    return Refuse("time", "is before the last entry of vial " + vial.id + " (" +
                              FormatRfc3339(*b.last_entry_at) + "): a vial's ledger runs forward");
  }

  AppliedEntry applied;
  applied.type = e.type;
  applied.vial_id = e.vial_id;
  applied.quantity_ug = e.quantity_ug;
  applied.session_id = e.session_id;
  applied.patient_id = e.patient_id;
  applied.is_reversal = reversal;
  if (reversal) {
    const AppliedEntry& original = state.entries.at(e.reverses);
    applied.patient_id = original.patient_id;
    if (auto status = ApplyReversal(vial, b, original); !status) return status;
  } else {
    if (auto status = ApplyForward(state, vial, *lot, b, e, applied); !status) return status;
  }
  // Stock and open draws together never exceed what the vial was received with: a reversal
  // that would (say, of a breakage after an upward ADJUST) must wait for the ADJUST's reversal.
  if (b.in_vial_ug + OpenTotal(b) > vial.initial_content_ug) {
    return Refuse(reversal ? "reverses" : "quantity_ug",
                  "vial " + vial.id + " would hold " + Mg(b.in_vial_ug + OpenTotal(b)) +
                      ", more than the " + Mg(vial.initial_content_ug) +
                      " it was received with; reverse the adjustment first");
  }
  b.last_entry_at = e.time;

  // Commit.
  if (!reversal && e.type == EntryType::kDraw) {
    state.session_patient.emplace(e.session_id, e.patient_id);
  }
  if (reversal) state.entries.at(e.reverses).reversed_by = e.meta.id;
  state.vials[e.vial_id] = std::move(b);
  state.entries.emplace(e.meta.id, std::move(applied));
  if (reversal && e.type == EntryType::kDraw) {
    // A draw recorded for the wrong patient and reversed must not keep the session bound to
    // that patient: the binding lasts only while a standing draw holds it.
    const bool standing =
        std::any_of(state.entries.begin(), state.entries.end(), [&](const auto& kv) {
          const AppliedEntry& a = kv.second;
          return a.type == EntryType::kDraw && !a.is_reversal && a.reversed_by.empty() &&
                 a.session_id == e.session_id;
        });
    if (!standing) state.session_patient.erase(e.session_id);
  }
  return OkStatus();
}

Result<LedgerState> ApplyEntry(const LedgerState& state, const LedgerEntry& entry) {
  LedgerState next = state;
  if (auto status = ApplyEntryInPlace(next, entry); !status) {
    return tl::unexpected(status.error());
  }
  return next;
}

Result<LedgerState> Replay(const LedgerCatalog& catalog, const std::vector<LedgerEntry>& entries) {
  LedgerState state;
  state.catalog = catalog;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto status = ApplyEntryInPlace(state, entries[i]); !status) {
      Error error = status.error();
      return tl::unexpected(
          std::move(error).WithFieldPrefix("entries[" + std::to_string(i) + "]."));
    }
  }
  return state;
}

Status CheckInvariants(const LedgerState& state) {
  std::vector<FieldProblem> problems;
  for (const auto& [id, b] : state.vials) {
    const std::string field = "vials[" + id + "]";
    auto vial_it = state.catalog.vials.find(id);
    if (vial_it == state.catalog.vials.end()) {
      problems.push_back({field, "not in the catalog"});
      continue;
    }
    Micrograms open = 0;
    bool open_ok = true;
    for (const auto& [session, draw] : b.open_draws) {
      open_ok = open_ok && draw.open_ug > 0;
      open += draw.open_ug;
    }
    const bool non_negative = b.in_vial_ug >= 0 && b.received_ug >= 0 && b.drawn_ug >= 0 &&
                              b.administered_ug >= 0 && b.wasted_from_draw_ug >= 0 &&
                              b.wasted_from_vial_ug >= 0 && b.returned_ug >= 0 &&
                              b.destroyed_ug >= 0 && b.broken_ug >= 0 && open_ok;
    if (!non_negative) problems.push_back({field, "a balance is negative"});
    if (b.drawn_ug != b.administered_ug + b.wasted_from_draw_ug + b.returned_ug + open) {
      problems.push_back(
          {field, "drawn " + Mg(b.drawn_ug) + " is not administered + wasted + returned + open"});
    }
    if (b.received_ug + b.adjusted_ug + b.returned_ug !=
        b.in_vial_ug + b.drawn_ug + b.wasted_from_vial_ug + b.destroyed_ug + b.broken_ug) {
      problems.push_back({field,
                          "received + adjusted + returned is not what the vial holds "
                          "plus what left it"});
    }
    if (b.in_vial_ug + open > vial_it->second.initial_content_ug) {
      problems.push_back({field, "holds more than it was received with"});
    }
  }
  if (problems.empty()) return OkStatus();
  return tl::unexpected(
      Error(ErrorCode::kInternal, "ledger invariants broken", std::move(problems)));
}

Micrograms LotBalanceUg(const LedgerState& state, const std::string& lot_number) {
  Micrograms total = 0;
  for (const auto& [id, b] : state.vials) {
    auto vial = state.catalog.vials.find(id);
    if (vial != state.catalog.vials.end() && vial->second.lot_number == lot_number) {
      total += b.in_vial_ug;
    }
  }
  return total;
}

Micrograms OnHandUg(const LedgerState& state) {
  Micrograms total = 0;
  for (const auto& [id, b] : state.vials) total += b.in_vial_ug;
  return total;
}

Status ClosingCheck(const LedgerState& state, const std::string& vial_id) {
  auto it = state.vials.find(vial_id);
  if (it == state.vials.end()) {
    return tl::unexpected(Error::NotFound("vial " + vial_id + " has no ledger entries"));
  }
  const VialBalance& b = it->second;
  std::vector<FieldProblem> problems;
  problems.reserve(b.open_draws.size() + 1);
  for (const auto& [session, draw] : b.open_draws) {
    problems.push_back(
        {"open_draws[" + session + "]", Mg(draw.open_ug) + " drawn for patient " + draw.patient_id +
                                            " is not yet administered, wasted or returned"});
  }
  if (problems.empty() && b.drawn_ug != b.administered_ug + b.wasted_from_draw_ug + b.returned_ug) {
    problems.push_back({"vial_id", "drawn " + Mg(b.drawn_ug) + " ≠ administered " +
                                       Mg(b.administered_ug) + " + wasted " +
                                       Mg(b.wasted_from_draw_ug) + " + returned " +
                                       Mg(b.returned_ug)});
  }
  if (problems.empty()) return OkStatus();
  return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                              "vial " + vial_id +
                                  " does not close: drawn ≠ administered + "
                                  "wasted + returned",
                              std::move(problems)));
}

Status CheckSessionClosed(const LedgerState& state, const std::string& session_id) {
  std::vector<FieldProblem> problems;
  for (const auto& [vial_id, b] : state.vials) {
    if (Micrograms open = OpenFor(b, session_id); open > 0) {
      problems.push_back({"vials[" + vial_id + "]",
                          Mg(open) + " drawn is not yet administered, wasted or returned"});
    }
  }
  if (problems.empty()) return OkStatus();
  return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                              "session " + session_id +
                                  " has open draws of a controlled "
                                  "substance",
                              std::move(problems)));
}

Result<std::vector<Finding>> ReconcileSession(const std::string& session_id, double delivered_mg,
                                              const std::vector<LedgerEntry>& entries,
                                              Micrograms tolerance_ug) {
  constexpr double kMaxDeliveredMg = 1e6;  // 1 kg; see kMaxEntryUg
  Validator v("invalid reconciliation");
  v.Require(!session_id.empty(), "session_id", "names the session");
  if (v.NonNegative("delivered_mg", delivered_mg)) {
    v.Require(delivered_mg <= kMaxDeliveredMg, "delivered_mg", "must be at most 1e6 mg");
  }
  v.Require(tolerance_ug >= 0, "tolerance_ug", "must not be negative");
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  // Nearest microgram: the pump total is a sum of segments in double precision; 1 µg is far
  // below any meaningful difference and far above double's rounding at these magnitudes.
  const Micrograms delivered_ug = std::llround(delivered_mg * 1000.0);

  constexpr const char* kSource = "clinical.md §5.4 codeable ledger [D]; tolerance [D]";
  std::map<std::string, Micrograms> open_by_vial;
  Micrograms administered_ug = 0;
  for (const LedgerEntry& e : entries) {
    if (e.session_id != session_id) continue;
    const Micrograms q = e.reverses.empty() ? e.quantity_ug : -e.quantity_ug;
    switch (e.type) {
      case EntryType::kDraw:
        open_by_vial[e.vial_id] += q;
        break;
      case EntryType::kAdminister:
        open_by_vial[e.vial_id] -= q;
        administered_ug += q;
        break;
      case EntryType::kWaste:
      case EntryType::kReturnToStock:
        open_by_vial[e.vial_id] -= q;
        break;
      default:
        break;
    }
  }
  std::vector<Finding> findings;
  const Micrograms difference = delivered_ug - administered_ug;
  const std::string numbers = "the pump delivered " + Mg(delivered_ug) + "; the ledger records " +
                              Mg(administered_ug) + " administered";
  if (std::llabs(difference) > tolerance_ug) {
    findings.push_back({"ledger.session-reconcile", Severity::kBlock,
                        numbers + " (difference " + Mg(difference) + ", tolerance " +
                            Mg(tolerance_ug) +
                            "): correct the ledger with a reversing entry or record the waste "
                            "with a witness",
                        kSource});
  } else {
    findings.push_back({"ledger.session-reconcile", Severity::kInfo,
                        numbers + " (within " + Mg(tolerance_ug) + ")", kSource});
  }
  for (const auto& [vial_id, open] : open_by_vial) {
    if (open == 0) continue;
    findings.push_back({"ledger.session-open-draw", Severity::kBlock,
                        Mg(open) + " drawn from vial " + vial_id +
                            " is not yet administered, wasted or returned; close it before "
                            "the session closes",
                        kSource});
  }
  return findings;
}

Result<std::vector<LotOnHand>> OnHandByLot(const LedgerCatalog& catalog,
                                           const std::vector<LedgerEntry>& entries) {
  auto state = Replay(catalog, entries);
  if (!state) return tl::unexpected(state.error());
  std::map<std::string, LotOnHand> by_lot;
  for (const auto& [vial_id, b] : state->vials) {
    const Vial& vial = catalog.vials.at(vial_id);  // Replay checked it
    const Lot& lot = catalog.lots.at(vial.lot_number);
    auto [it, inserted] = by_lot.try_emplace(lot.lot_number);
    LotOnHand& row = it->second;
    if (inserted) {
      row.lot_number = lot.lot_number;
      row.ndc = lot.ndc;
      row.product_name = catalog.products.at(lot.ndc).name;
      row.expiry = lot.expiry;
    }
    if (b.in_vial_ug > 0) ++row.vials_with_stock;
    row.in_stock_ug += b.in_vial_ug;
    row.in_open_draws_ug += OpenTotal(b);
  }
  std::vector<LotOnHand> rows;
  rows.reserve(by_lot.size());
  for (auto& [lot_number, row] : by_lot) rows.push_back(std::move(row));
  return rows;
}

Result<std::vector<AdministrationRecord>> PatientAdministrations(
    const LedgerCatalog& catalog, const std::vector<LedgerEntry>& entries,
    const std::string& patient_id) {
  std::map<std::string, std::string> reversed_by;
  for (const LedgerEntry& e : entries) {
    if (!e.reverses.empty()) reversed_by[e.reverses] = e.meta.id;
  }
  std::vector<AdministrationRecord> rows;
  for (const LedgerEntry& e : entries) {
    if (e.type != EntryType::kAdminister || !e.reverses.empty() || e.patient_id != patient_id) {
      continue;
    }
    auto vial = catalog.vials.find(e.vial_id);
    const Lot* lot = vial == catalog.vials.end() ? nullptr : FindLot(catalog, vial->second);
    const Product* product = lot == nullptr ? nullptr : FindProduct(catalog, *lot);
    if (product == nullptr) {
      return tl::unexpected(Error::NotFound("vial " + e.vial_id + " (entry " + e.meta.id +
                                            ") is not in the catalog"));
    }
    AdministrationRecord row;
    row.entry_id = e.meta.id;
    row.time = e.time;
    row.patient_id = e.patient_id;
    row.session_id = e.session_id;
    row.ndc = product->ndc;
    row.product_name = product->name;
    row.concentration_ug_per_ml = product->concentration_ug_per_ml;
    row.quantity_ug = e.quantity_ug;
    // µL = µg × 1000 / (µg/mL), to the nearest µL (half up); exact for 10, 50 and 100 mg/mL.
    const std::int64_t c = product->concentration_ug_per_ml;
    row.volume_ul = (e.quantity_ug * 1000 + c / 2) / c;
    row.lot_number = lot->lot_number;
    row.vial_id = e.vial_id;
    row.administered_by = e.actor;
    row.witness = e.witness;
    if (auto it = reversed_by.find(e.meta.id); it != reversed_by.end()) {
      row.reversed_by = it->second;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

const char* DiscrepancyKindName(DiscrepancyKind kind) {
  switch (kind) {
    case DiscrepancyKind::kCountMismatch:
      return "count-mismatch";
    case DiscrepancyKind::kAdjustment:
      return "adjustment";
    case DiscrepancyKind::kBreakage:
      return "breakage";
    case DiscrepancyKind::kCorrection:
      return "correction";
    case DiscrepancyKind::kOpenDraw:
      return "open-draw";
  }
  return "unknown";
}

Result<std::vector<Discrepancy>> Discrepancies(const LedgerCatalog& catalog,
                                               const std::vector<LedgerEntry>& entries) {
  LedgerState state;
  state.catalog = catalog;
  std::vector<Discrepancy> rows;
  auto lot_of = [&](const std::string& vial_id) {
    auto vial = catalog.vials.find(vial_id);
    return vial == catalog.vials.end() ? std::string() : vial->second.lot_number;
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LedgerEntry& e = entries[i];
    Micrograms book = 0;
    if (auto it = state.vials.find(e.vial_id); it != state.vials.end()) {
      book = it->second.in_vial_ug;
    }
    if (auto status = ApplyEntryInPlace(state, e); !status) {
      Error error = status.error();
      return tl::unexpected(
          std::move(error).WithFieldPrefix("entries[" + std::to_string(i) + "]."));
    }
    Discrepancy row;
    row.entry_id = e.meta.id;
    row.time = e.time;
    row.vial_id = e.vial_id;
    row.lot_number = lot_of(e.vial_id);
    row.session_id = e.session_id;
    row.book_ug = book;
    row.found_ug = e.quantity_ug;
    row.actor = e.actor;
    row.witness = e.witness;
    row.reason = e.reason;
    if (!e.reverses.empty()) {
      row.kind = DiscrepancyKind::kCorrection;
    } else if (e.type == EntryType::kCount && e.quantity_ug != book) {
      row.kind = DiscrepancyKind::kCountMismatch;
    } else if (e.type == EntryType::kAdjust) {
      row.kind = DiscrepancyKind::kAdjustment;
    } else if (e.type == EntryType::kBreakage) {
      row.kind = DiscrepancyKind::kBreakage;
    } else {
      continue;
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [vial_id, b] : state.vials) {
    for (const auto& [session, draw] : b.open_draws) {
      Discrepancy row;
      row.kind = DiscrepancyKind::kOpenDraw;
      row.time = b.last_entry_at.value_or(Instant{});
      row.vial_id = vial_id;
      row.lot_number = lot_of(vial_id);
      row.session_id = session;
      row.book_ug = draw.open_ug;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

const char* InventoryKindName(InventoryKind kind) {
  return kind == InventoryKind::kInitial ? "initial" : "biennial";
}

Result<InventoryReport> Inventory(const LedgerCatalog& catalog,
                                  const std::vector<LedgerEntry>& entries, Instant as_of,
                                  InventoryKind kind) {
  // A vial's entries run forward in time, so the entries up to `as_of` are a valid ledger.
  std::vector<LedgerEntry> until;
  until.reserve(entries.size());
  std::copy_if(entries.begin(), entries.end(), std::back_inserter(until),
               [&](const LedgerEntry& e) { return e.time <= as_of; });
  auto state = Replay(catalog, until);
  if (!state) return tl::unexpected(state.error());

  InventoryReport report;
  report.kind = kind;
  report.as_of = as_of;
  std::map<std::string, InventoryTotal> totals;
  for (const auto& [vial_id, b] : state->vials) {
    const Micrograms open = OpenTotal(b);
    if (b.in_vial_ug == 0 && open == 0) continue;
    const Vial& vial = catalog.vials.at(vial_id);  // Replay checked them
    const Lot& lot = catalog.lots.at(vial.lot_number);
    const Product& product = catalog.products.at(lot.ndc);
    InventoryLine line;
    line.ndc = product.ndc;
    line.product_name = product.name;
    line.concentration_ug_per_ml = product.concentration_ug_per_ml;
    line.vial_volume_ul = product.vial_volume_ul;
    line.lot_number = lot.lot_number;
    line.expiry = lot.expiry;
    line.expired = IsExpired(lot, as_of);
    line.vial_id = vial_id;
    line.location = b.location;
    line.in_vial_ug = b.in_vial_ug;
    line.in_open_draws_ug = open;
    line.opened = b.opened;
    report.lines.push_back(std::move(line));
    InventoryTotal& total = totals[product.ndc];
    total.ndc = product.ndc;
    ++total.vials;
    total.total_ug += b.in_vial_ug + open;
  }
  report.totals.reserve(totals.size());
  for (auto& [ndc, total] : totals) report.totals.push_back(std::move(total));
  return report;
}

year_month_day NextBiennialInventoryDue(year_month_day last) {
  year_month_day due{last.year() + std::chrono::years(2), last.month(), last.day()};
  if (!due.ok())
    due = year_month_day{
        std::chrono::year_month_day_last{due.year(), std::chrono::month_day_last{due.month()}}};
  return due;
}

}  // namespace ketaclinic::clinical
