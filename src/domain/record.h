// Decoding and validating records against a ResourceSpec.
//
// A record is a JSON object whose members are fields of the spec, with values validated and
// normalised. Every error is InvalidArgument with `where` set to the field path ("ips[1]").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "domain/resource.h"

namespace vigil::domain {

using Json = nlohmann::json;

enum class DecodeMode {
  kCreate,  // required fields must be present
  kPatch,   // only the fields present change
};

// Validates an API body for `spec`. Unknown and internal fields are errors; read-only fields are
// ignored (clients may send back what they read). Returns the normalised writable fields present;
// on create, absent booleans default to false and absent lists to [].
Result<Json> DecodeRecord(const ResourceSpec& spec, const Json& body, DecodeMode mode);

// Validates and normalises one value for field `f` (null allowed unless required).
Result<Json> DecodeValue(const FieldSpec& f, const Json& value);

// Converts a CSV cell to the JSON value DecodeValue expects: lists split on ';', booleans from
// true/false/yes/no/1/0/có/không/x, integers parsed; an empty cell is null (an empty list for
// list fields). The leading ' that CsvWriter adds before = + - @ is removed.
Result<Json> CsvCellToJson(const FieldSpec& f, std::string_view cell);
// The CSV text for a stored value (lists joined with ';', null as empty).
std::string JsonToCsvCell(const Json& value);

// The integer member `name` of a record, or nullopt when absent, null or not an integer.
std::optional<int64_t> IntField(const Json& record, std::string_view name);

// Returns `record` without internal and write-only fields, with every other field of the spec
// present (null when absent): what the API may show. Pass an rvalue to avoid a copy.
Json PublicView(const ResourceSpec& spec, Json record);

}  // namespace vigil::domain
