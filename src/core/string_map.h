// A hash map keyed by std::string that is looked up by std::string_view without building a key.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigil {

struct TransparentStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class Value>
using StringMap = std::unordered_map<std::string, Value, TransparentStringHash, std::equal_to<>>;

}  // namespace vigil
