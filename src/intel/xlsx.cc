#include "intel/xlsx.h"

#include <zip.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <pugixml.hpp>
#include <utility>

namespace vigil::intel {
namespace {

constexpr size_t kMaxRowNumber = 1048576;  // Excel's limit

// Owns an open libzip archive.
struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

Status NotXlsx(const std::string& reason) {
  return InvalidArgument("not a readable XLSX workbook: " + reason);
}

Status TooLarge(size_t limit) {
  return {StatusCode::kResourceExhausted,
          "XLSX workbook expands to more than " + std::to_string(limit >> 20) +
              " MiB; refusing it (a zip bomb or far too large a list)"};
}

// Opens `data` as a ZIP archive without copying it.
Result<ZipPtr> OpenZip(std::string_view data) {
  if (data.starts_with("\xD0\xCF\x11\xE0")) {
    return NotXlsx(
        "this is an old-style .xls or a password-protected workbook; save it as .xlsx "
        "(without a password) or CSV");
  }
  if (data.size() < 22) return NotXlsx("too short for a ZIP archive");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(data.data(), data.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return NotXlsx("cannot read the ZIP archive");
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    return NotXlsx("broken ZIP archive (" + reason + ")");
  }
  zip_error_fini(&error);
  return ZipPtr(archive);
}

// Fails when the declared uncompressed sizes of all entries add up to more than `limit`.
Status CheckDeclaredSize(zip_t* archive, size_t limit) {
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    if ((stat.valid & ZIP_STAT_SIZE) != 0) total += stat.size;
    if (total > limit) return TooLarge(limit);
  }
  return {};
}

// Reads one part; `budget` is what the whole workbook may still expand to (actual bytes, so a
// lying size field does not help a zip bomb). Missing parts are kNotFound.
Result<std::string> ReadPart(zip_t* archive, const std::string& name, size_t* budget,
                             size_t limit) {
  const zip_int64_t index = zip_name_locate(archive, name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return NotFound("missing part " + name);
  zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0);
  if (file == nullptr) return NotXlsx("cannot open part " + name + " (encrypted?)");
  std::string out;
  char chunk[65536];
  while (true) {
    const zip_int64_t got = zip_fread(file, chunk, sizeof chunk);
    if (got < 0) {
      zip_fclose(file);
      return NotXlsx("corrupt part " + name);
    }
    if (got == 0) break;
    if (static_cast<size_t>(got) > *budget) {
      zip_fclose(file);
      return TooLarge(limit);
    }
    *budget -= static_cast<size_t>(got);
    out.append(chunk, static_cast<size_t>(got));
  }
  zip_fclose(file);
  return out;
}

std::string_view LocalName(const char* name) {
  std::string_view view(name);
  const size_t colon = view.rfind(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

// The first child element whose local name (namespace prefix ignored) is `name`.
pugi::xml_node Child(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == name) return child;
  }
  return {};
}

// The attribute whose local name is `name` ("r:id" and "id" both match "id").
pugi::xml_attribute Attribute(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    if (LocalName(attribute.name()) == name) return attribute;
  }
  return {};
}

Status ParseXml(std::string* text, pugi::xml_document* doc, const std::string& part) {
  const pugi::xml_parse_result parsed =
      doc->load_buffer_inplace(text->data(), text->size(), pugi::parse_default);
  if (!parsed) {
    return NotXlsx(part + " is not well-formed XML (" + parsed.description() + " at byte " +
                   std::to_string(parsed.offset) + ")");
  }
  return {};
}

// "xl/" + target, with "/abs/path" and "../" handled as in OPC part names.
std::string ResolveTarget(std::string_view target) {
  if (target.starts_with('/')) return std::string(target.substr(1));
  std::string base = "xl";
  while (target.starts_with("../")) {
    target.remove_prefix(3);
    base.clear();
  }
  return base.empty() ? std::string(target) : base + "/" + std::string(target);
}

bool ParseUnsigned(std::string_view text, size_t* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Built-in number formats that show dates or times (ECMA-376 18.8.30, plus the East Asian ones).
bool IsBuiltinDateFormat(size_t id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

// A custom format code shows a date or time when, outside quoted text, escapes and [...]
// sections, it has a y, m, d, h or s placeholder ("dd/mm/yyyy hh:mm", "[$-42A]d mmm yyyy").
bool IsDateFormatCode(std::string_view code) {
  if (code == "General" || code == "general") return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal
    } else if (std::strchr("yYmMdDhHsS", c) != nullptr && c != '\0') {
      return true;
    }
  }
  return false;
}

// Which cell styles (indices into cellXfs) are dates.
std::vector<bool> LoadDateStyles(const pugi::xml_document& styles) {
  const pugi::xml_node sheet = Child(styles, "styleSheet");
  std::map<size_t, bool> custom;
  for (pugi::xml_node format : Child(sheet, "numFmts").children()) {
    size_t id = 0;
    if (LocalName(format.name()) != "numFmt" ||
        !ParseUnsigned(Attribute(format, "numFmtId").value(), &id)) {
      continue;
    }
    custom[id] = IsDateFormatCode(Attribute(format, "formatCode").value());
  }
  std::vector<bool> dates;
  for (pugi::xml_node xf : Child(sheet, "cellXfs").children()) {
    if (LocalName(xf.name()) != "xf") continue;
    size_t id = 0;
    bool date = false;
    if (ParseUnsigned(Attribute(xf, "numFmtId").value(), &id)) {
      const auto it = custom.find(id);
      date = it != custom.end() ? it->second : IsBuiltinDateFormat(id);
    }
    dates.push_back(date);
  }
  return dates;
}

// Text of a string item (<si> or <is>): its <t>, or the <t> of each rich-text run <r>; phonetic
// runs (<rPh>) are not part of the text.
std::string ItemText(pugi::xml_node item) {
  std::string text;
  for (pugi::xml_node child : item.children()) {
    const std::string_view name = LocalName(child.name());
    if (name == "t") {
      text += child.child_value();
    } else if (name == "r") {
      text += Child(child, "t").child_value();
    }
  }
  return text;
}

std::vector<std::string> LoadSharedStrings(const pugi::xml_document& doc) {
  std::vector<std::string> strings;
  for (pugi::xml_node item : Child(doc, "sst").children()) {
    if (LocalName(item.name()) == "si") strings.push_back(ItemText(item));
  }
  return strings;
}

// "BC12" -> column 54 (0-based 54); false when the reference has no letters or too many.
bool ParseCellColumn(std::string_view ref, size_t* column) {
  size_t value = 0;
  size_t letters = 0;
  for (const char c : ref) {
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if (upper < 'A' || upper > 'Z') break;
    if (++letters > 3) return false;
    value = value * 26 + static_cast<size_t>(upper - 'A' + 1);
  }
  if (letters == 0) return false;
  *column = value - 1;
  return true;
}

struct Relationship {
  std::string type;
  std::string target;
};

std::map<std::string, Relationship> LoadRelationships(const pugi::xml_document& doc) {
  std::map<std::string, Relationship> out;
  for (pugi::xml_node rel : Child(doc, "Relationships").children()) {
    if (LocalName(rel.name()) != "Relationship") continue;
    out[Attribute(rel, "Id").value()] = {Attribute(rel, "Type").value(),
                                         Attribute(rel, "Target").value()};
  }
  return out;
}

}  // namespace

struct XlsxReader::Impl {
  std::string sheet_name;
  bool date1904 = false;
  std::vector<std::string> shared_strings;
  std::vector<bool> date_styles;
  std::string sheet_xml;  // parsed in place by `sheet`
  pugi::xml_document sheet;

  Status CellText(pugi::xml_node cell, int64_t row, SheetCell* out) const;
};

Status XlsxReader::Impl::CellText(pugi::xml_node cell, int64_t row, SheetCell* out) const {
  const std::string_view type = Attribute(cell, "t").value();
  const char* value = Child(cell, "v").child_value();
  out->number = false;
  if (type == "s") {
    size_t index = 0;
    if (!ParseUnsigned(value, &index) || index >= shared_strings.size()) {
      return NotXlsx("row " + std::to_string(row) + ": cell " + Attribute(cell, "r").value() +
                     " refers to a missing shared string");
    }
    out->text = shared_strings[index];
  } else if (type == "inlineStr") {
    out->text = ItemText(Child(cell, "is"));
  } else if (type == "b") {
    out->text = std::string_view(value) == "1" ? "TRUE" : "FALSE";
  } else if (type.empty() || type == "n") {
    out->text = value;
    size_t style = 0;
    const bool dated = ParseUnsigned(Attribute(cell, "s").value(), &style) &&
                       style < date_styles.size() && date_styles[style];
    double serial = 0;
    const auto [end, ec] = std::from_chars(value, value + std::strlen(value), serial);
    if (dated && ec == std::errc() && *end == '\0') {
      auto civil = ExcelSerialToCivilSeconds(serial, date1904);
      if (civil.ok()) {
        out->text = FormatCivilSeconds(*civil);
        return {};
      }
    }
    out->number = !out->text.empty();
  } else {  // "str" (formula result), "e" (error such as #N/A), "d" (ISO 8601 text)
    out->text = value;
  }
  return {};
}

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::XlsxReader(XlsxReader&&) noexcept = default;
XlsxReader& XlsxReader::operator=(XlsxReader&&) noexcept = default;
XlsxReader::~XlsxReader() = default;

const std::string& XlsxReader::sheet_name() const { return impl_->sheet_name; }
bool XlsxReader::date1904() const { return impl_->date1904; }

Result<XlsxReader> XlsxReader::Open(std::string_view data, size_t max_uncompressed) {
  VIGIL_ASSIGN_OR_RETURN(ZipPtr archive, OpenZip(data));
  VIGIL_RETURN_IF_ERROR(CheckDeclaredSize(archive.get(), max_uncompressed));
  size_t budget = max_uncompressed;
  const auto read = [&](const std::string& name) {
    return ReadPart(archive.get(), name, &budget, max_uncompressed);
  };
  auto impl = std::make_unique<Impl>();

  auto workbook_part = read("xl/workbook.xml");
  if (!workbook_part.ok()) {
    return workbook_part.status().code() == StatusCode::kNotFound
               ? NotXlsx("missing part xl/workbook.xml")
               : workbook_part.status();
  }
  std::string workbook_xml = std::move(*workbook_part);
  pugi::xml_document workbook;
  VIGIL_RETURN_IF_ERROR(ParseXml(&workbook_xml, &workbook, "xl/workbook.xml"));
  const pugi::xml_node root = Child(workbook, "workbook");
  const std::string_view date1904 = Attribute(Child(root, "workbookPr"), "date1904").value();
  impl->date1904 = date1904 == "1" || date1904 == "true";
  const pugi::xml_node first = Child(Child(root, "sheets"), "sheet");
  if (!first) return NotXlsx("the workbook has no worksheet");
  impl->sheet_name = Attribute(first, "name").value();
  const std::string sheet_rel = Attribute(first, "id").value();

  std::map<std::string, Relationship> rels;
  auto rels_xml = read("xl/_rels/workbook.xml.rels");
  pugi::xml_document rels_doc;
  if (rels_xml.ok()) {
    VIGIL_RETURN_IF_ERROR(ParseXml(&*rels_xml, &rels_doc, "xl/_rels/workbook.xml.rels"));
    rels = LoadRelationships(rels_doc);
  } else if (rels_xml.status().code() != StatusCode::kNotFound) {
    return rels_xml.status();
  }
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  std::string strings_path = "xl/sharedStrings.xml";
  std::string styles_path = "xl/styles.xml";
  for (const auto& [id, rel] : rels) {
    if (id == sheet_rel) sheet_path = ResolveTarget(rel.target);
    if (rel.type.ends_with("/sharedStrings")) strings_path = ResolveTarget(rel.target);
    if (rel.type.ends_with("/styles")) styles_path = ResolveTarget(rel.target);
  }

  auto strings_xml = read(strings_path);
  if (strings_xml.ok()) {
    pugi::xml_document doc;
    VIGIL_RETURN_IF_ERROR(ParseXml(&*strings_xml, &doc, strings_path));
    impl->shared_strings = LoadSharedStrings(doc);
  } else if (strings_xml.status().code() != StatusCode::kNotFound) {
    return strings_xml.status();
  }
  auto styles_xml = read(styles_path);
  if (styles_xml.ok()) {
    pugi::xml_document doc;
    VIGIL_RETURN_IF_ERROR(ParseXml(&*styles_xml, &doc, styles_path));
    impl->date_styles = LoadDateStyles(doc);
  } else if (styles_xml.status().code() != StatusCode::kNotFound) {
    return styles_xml.status();
  }

  auto sheet_xml = read(sheet_path);
  if (!sheet_xml.ok()) {
    return sheet_xml.status().code() == StatusCode::kNotFound
               ? NotXlsx("the first worksheet (" + sheet_path + ") is missing")
               : sheet_xml.status();
  }
  impl->sheet_xml = std::move(*sheet_xml);
  VIGIL_RETURN_IF_ERROR(ParseXml(&impl->sheet_xml, &impl->sheet, sheet_path));
  if (!Child(Child(impl->sheet, "worksheet"), "sheetData")) {
    return NotXlsx(sheet_path + " is not a worksheet");
  }
  return XlsxReader(std::move(impl));
}

Status XlsxReader::ForEachRow(const std::function<bool(const SheetRow&)>& visit) const {
  const pugi::xml_node data = Child(Child(impl_->sheet, "worksheet"), "sheetData");
  SheetRow row;
  std::vector<size_t> filled;  // cells set in the previous row, emptied for the next one
  int64_t previous = 0;
  for (pugi::xml_node row_node : data.children()) {
    if (LocalName(row_node.name()) != "row") continue;
    size_t number = 0;
    row.number = ParseUnsigned(Attribute(row_node, "r").value(), &number) && number > 0 &&
                         number <= kMaxRowNumber
                     ? static_cast<int64_t>(number)
                     : previous + 1;
    previous = row.number;
    // Reuse the cells instead of clearing them: resizing every row up to a far-right cell
    // would make a small, highly compressed sheet cost rows x kMaxColumns.
    for (const size_t column : filled) row.cells[column] = SheetCell();
    filled.clear();
    bool any = false;
    size_t next_column = 0;
    for (pugi::xml_node cell : row_node.children()) {
      if (LocalName(cell.name()) != "c") continue;
      size_t column = next_column;
      if (!ParseCellColumn(Attribute(cell, "r").value(), &column)) column = next_column;
      next_column = column + 1;
      if (column >= kMaxColumns) continue;
      SheetCell value;
      VIGIL_RETURN_IF_ERROR(impl_->CellText(cell, row.number, &value));
      if (value.text.empty()) continue;
      if (row.cells.size() <= column) row.cells.resize(column + 1);
      row.cells[column] = std::move(value);
      filled.push_back(column);
      any = true;
    }
    if (any && !visit(row)) break;
  }
  return {};
}

Result<int64_t> ExcelSerialToCivilSeconds(double serial, bool date1904) {
  // 1899-12-30 is serial 0 in the 1900 system (Excel's phantom 1900-02-29 makes serials below
  // 61 one day off; nobody lists botnet hosts in early 1900). 2958465 is 9999-12-31.
  if (!(serial >= 1 && serial < 2958466)) return InvalidArgument("not an Excel date serial");
  const double days = date1904 ? serial + 1462 : serial;
  return static_cast<int64_t>(std::llround((days - 25569.0) * 86400.0));
}

std::string FormatCivilSeconds(int64_t seconds) {
  const auto time = std::chrono::sys_seconds(std::chrono::seconds(seconds));
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss hms(time - day);
  char buf[40];
  if (hms.to_duration().count() == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  }
  return buf;
}

}  // namespace vigil::intel
