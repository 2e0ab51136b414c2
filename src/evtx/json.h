// Renders a parsed record tree as JSON in the shape of the Rust evtx crate (evtx_dump -o json):
//   - an element is an object: attributes with content under "#attributes", its own text under
//     "#text", child elements by name (repeated names get "_1", "_2", ... suffixes);
//   - an element with text only is that text; with nothing (no text, no non-empty attribute, no
//     child) it is null;
//   - text made of a single integer or boolean substitution is a JSON number/boolean, any other
//     text a string (pieces concatenated);
//   - in EventData/UserData, <Data Name="X">v</Data> children become "X": v ("" when empty);
//     Data children without names become "Data": {"#text": v} or {"#text": [v, ...]}.
// Internal to the evtx module.
#pragma once

#include <string>

#include "evtx/binxml.h"

namespace vigil::evtx::internal {

// Appends {"<root name>": <root value>} for the first element of tree.top to *out.
void RenderJson(const Tree& tree, std::string* out);

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace vigil::evtx::internal
