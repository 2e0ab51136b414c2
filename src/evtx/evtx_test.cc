#include "evtx/evtx.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evtx/evtx_test_util.h"

namespace vigil::evtx {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The regression files hold one JSON document per record, concatenated.
std::vector<nlohmann::json> ParseConcatenated(const std::string& text) {
  std::vector<nlohmann::json> out;
  size_t start = std::string::npos;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}' && depth > 0 && --depth == 0) {
      out.push_back(nlohmann::json::parse(text.substr(start, i - start + 1), nullptr, false));
    }
  }
  return out;
}

struct Parsed {
  Status status;
  std::vector<Record> records;
  std::vector<Problem> problems;
};

Parsed Parse(std::span<const uint8_t> bytes) {
  Parsed p;
  p.status = ReadEvtx(
      bytes, [&](const Record& r) { p.records.push_back(r); },
      [&](const Problem& pr) { p.problems.push_back(pr); });
  return p;
}

fs::path RegressionDir() {
  const char* src = std::getenv("VIGIL_SOURCE_DIR");
  if (src == nullptr) return {};
  return fs::path(src) / ".." / "shared" / "data" / "sigma" / "regression-dev";
}

TEST(EvtxRegressionTest, EveryCaseMatchesEvtxDumpJson) {
  const fs::path dir = RegressionDir();
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) {
    GTEST_SKIP() << "regression data not found (set VIGIL_SOURCE_DIR; expected "
                 << "$VIGIL_SOURCE_DIR/../shared/data/sigma/regression-dev)";
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".evtx") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  size_t matched = 0;
  for (const fs::path& evtx : files) {
    SCOPED_TRACE(evtx.string());
    fs::path json_path = evtx;
    json_path.replace_extension(".json");
    const std::vector<uint8_t> json_bytes = ReadFile(json_path);
    const std::vector<nlohmann::json> expected =
        ParseConcatenated(std::string(json_bytes.begin(), json_bytes.end()));
    const std::vector<uint8_t> bytes = ReadFile(evtx);
    const Parsed got = Parse(bytes);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    for (const Problem& p : got.problems) ADD_FAILURE() << p.offset << ": " << p.message;
    ASSERT_EQ(got.records.size(), expected.size());
    bool all = true;
    for (size_t i = 0; i < expected.size(); ++i) {
      const nlohmann::json actual = nlohmann::json::parse(got.records[i].json, nullptr, false);
      ASSERT_FALSE(actual.is_discarded()) << got.records[i].json;
      if (actual != expected[i]) {
        all = false;
        ADD_FAILURE() << "record " << i << "\n got: " << actual.dump()
                      << "\nwant: " << expected[i].dump();
      }
    }
    if (all) ++matched;
  }
  EXPECT_EQ(matched, files.size());
  std::printf("evtx regression: %zu of %zu cases match exactly\n", matched, files.size());
}

using testing::BinXmlWriter;
using testing::BuildFile;
using testing::ChunkBuilder;
using testing::IntValue;
using testing::SubValue;
using testing::Utf16Value;

constexpr uint64_t kFileTime = 132223104001234567;  // 2020-01-01T00:00:00.1234567Z

// <Event><System><EventID Qualifiers="16384">4625</EventID><Header>a</Header><Header>b</Header>
// <Empty/></System><EventData><Data>x</Data><Data>y</Data></EventData></Event>, no template.
void DirectRecord(BinXmlWriter& w) {
  w.FragmentHeader();
  w.Open("Event", false, false);
  w.CloseStart();
  w.Open("System", false, false);
  w.CloseStart();
  w.Open("EventID", true, false);
  w.Attribute("Qualifiers");
  w.StringValue("16384");
  w.CloseStart();
  w.U8(0x05);  // UInt16 value token
  w.U8(0x06);
  w.U16(4625);
  w.End();
  const uint32_t header = w.Open("Header", false, false);
  w.CloseStart();
  w.StringValue("a");
  w.End();
  w.OpenRef(header, false);
  w.CloseStart();
  w.StringValue("b");
  w.End();
  w.Open("Empty", false, false);
  w.CloseEmpty();
  w.End();  // System
  w.Open("EventData", false, false);
  w.CloseStart();
  const uint32_t data = w.Open("Data", false, false);
  w.CloseStart();
  w.StringValue("x");
  w.End();
  w.OpenRef(data, false);
  w.CloseStart();
  w.StringValue("y");
  w.End();
  w.End();  // EventData
  w.End();  // Event
  w.Eof();
}

// A record made of a template instance exercising the value types and substitution rules.
void TemplateRecord(BinXmlWriter& w) {
  w.FragmentHeader();
  uint32_t level_name = 0;
  auto define = [&](BinXmlWriter& d) {
    d.Open("Event", true, true);
    d.Attribute("xmlns");
    d.StringValue("urn:test");
    d.CloseStart();
    d.Open("System", false, true);
    d.CloseStart();
    d.Open("EventID", true, true);
    d.Attribute("Qualifiers");
    d.Substitution(0, 0x06, true);
    d.CloseStart();
    d.Substitution(1, 0x06, false);
    d.End();
    level_name = d.Open("Level", false, true);
    d.CloseStart();
    d.Substitution(2, 0x04, false);
    d.End();
    d.Open("Keywords", false, true);
    d.CloseStart();
    d.Substitution(3, 0x15, false);
    d.End();
    d.Open("TimeCreated", true, true);
    d.Attribute("SystemTime");
    d.Substitution(4, 0x11, false);
    d.CloseEmpty();
    d.Open("Correlation", true, true);
    d.Attribute("ActivityID");
    d.Substitution(5, 0x0f, true);
    d.CloseEmpty();
    d.Open("Security", true, true);
    d.Attribute("UserID");
    d.Substitution(6, 0x13, true);
    d.CloseEmpty();
    d.Open("Provider", true, true);
    d.Attribute("Guid");
    d.Substitution(7, 0x0f, false);
    d.CloseEmpty();
    d.Open("Tag", false, true);
    d.CloseStart();
    d.Substitution(11, 0x88, false);
    d.End();
    d.End();  // System
    d.Open("EventData", false, true);
    d.CloseStart();
    const char* names[] = {"TargetUserName", "Empty", "Flag", "Nested", "Signed", "Blob"};
    const uint16_t indexes[] = {8, 9, 10, 12, 13, 14};
    for (int i = 0; i < 6; ++i) {
      d.Open("Data", true, true);
      d.Attribute("Name");
      d.StringValue(names[i]);
      d.CloseStart();
      d.Substitution(indexes[i], 0x01, false);
      d.End();
    }
    d.End();  // EventData
    d.End();  // Event
  };
  // The nested BinXML value refers to the name "Level" defined by the template.
  std::vector<uint8_t> nested_level_ref;  // filled once level_name is known
  std::vector<SubValue> values = {
      {0x00, {}},                                     // 0: no qualifiers
      IntValue(0x06, 4624, 2),                        // 1: EventID
      IntValue(0x04, 4, 1),                           // 2: Level
      IntValue(0x15, 0x8020000000000000ULL, 8),       // 3: Keywords
      IntValue(0x11, kFileTime, 8),                   // 4: TimeCreated
      {0x00, {}},                                     // 5: no ActivityID
      {0x13, {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}},  // 6: S-1-5-18
      {0x0f,
       {0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb,
        0xd9}},                          // 7: GUID
      Utf16Value("admin  "),             // 8: trailing blanks dropped
      Utf16Value(""),                    // 9: empty
      IntValue(0x0d, 1, 4),              // 10: Bool
      {0x88, {1, 0, 0, 0, 2, 0, 0, 0}},  // 11: UInt32 array: the element repeats
      {0x21, {}},                        // 12: nested BinXML, set below
      IntValue(0x07, 0xfffffffe, 4),     // 13: Int32 -2
      {0x0e, {0xde, 0xad}},              // 14: binary
  };
  // Define first to learn where "Level" lands: write the instance into a scratch copy, then the
  // real one (offsets are the same as both start at the same position).
  std::vector<uint8_t> scratch = w.bytes();
  BinXmlWriter probe(&scratch, w.pos() - static_cast<uint32_t>(w.bytes().size()));
  testing::TemplateInstance(probe, define, values);
  auto& n = values[12].bytes;
  n = {0x0f, 1, 1, 0, 0x01, 0, 0, 0, 0};
  testing::PutLe(&n, level_name, 4);
  n.insert(n.end(), {0x02, 0x05, 0x01, 4, 0});
  for (char c : std::string("text")) testing::PutLe(&n, static_cast<uint8_t>(c), 2);
  n.insert(n.end(), {0x04, 0x00});
  testing::TemplateInstance(w, define, values);
  w.Eof();
}

TEST(EvtxTest, RendersElementsWithoutTemplate) {
  ChunkBuilder chunk;
  chunk.AddRecord(7, kFileTime, DirectRecord);
  const Parsed got = Parse(BuildFile({chunk.Finish()}));
  ASSERT_TRUE(got.status.ok());
  EXPECT_TRUE(got.problems.empty());
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].record_id, 7u);
  EXPECT_EQ(got.records[0].time_unix_ns, 1577836800123456700);
  EXPECT_EQ(nlohmann::json::parse(got.records[0].json), nlohmann::json::parse(R"({"Event":{
      "System":{"EventID":{"#attributes":{"Qualifiers":"16384"},"#text":4625},
                "Header":"a","Header_1":"b","Empty":null},
      "EventData":{"Data":{"#text":["x","y"]}}}})"))
      << got.records[0].json;
}

TEST(EvtxTest, RendersTemplateInstancesAndValueTypes) {
  ChunkBuilder chunk;
  chunk.AddRecord(1, kFileTime, TemplateRecord);
  const Parsed got = Parse(BuildFile({chunk.Finish()}));
  ASSERT_TRUE(got.status.ok());
  for (const Problem& p : got.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(got.records[0].json), nlohmann::json::parse(R"({"Event":{
      "#attributes":{"xmlns":"urn:test"},
      "System":{"EventID":4624,"Level":4,"Keywords":"0x8020000000000000",
                "TimeCreated":{"#attributes":{"SystemTime":"2020-01-01T00:00:00.123456Z"}},
                "Correlation":null,"Security":{"#attributes":{"UserID":"S-1-5-18"}},
                "Provider":{"#attributes":{"Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},
                "Tag":1,"Tag_1":2},
      "EventData":{"TargetUserName":"admin","Empty":"","Flag":true,
                   "Nested":{"#attributes":{"Name":"Nested"},"Level":"text"},
                   "Signed":-2,"Blob":"DEAD"}}})"))
      << got.records[0].json;
}

TEST(EvtxTest, TemplateIsReusedByOffsetWithinAChunk) {
  ChunkBuilder chunk;
  const uint32_t first = chunk.AddRecord(1, kFileTime, TemplateRecord);
  (void)first;
  // A second record instantiating the first record's definition by offset: find it by parsing
  // the first record (the definition starts 10 bytes after its template instance token).
  const uint32_t def = first + 24 + 4 + 10;
  chunk.AddRecord(2, kFileTime, [&](BinXmlWriter& w) {
    w.FragmentHeader();
    w.U8(0x0c);
    w.U8(1);
    w.U32(0x1234);
    w.U32(def);
    w.U32(0);  // no substitutions: every value is missing
    w.Eof();
  });
  const Parsed got = Parse(BuildFile({chunk.Finish()}));
  for (const Problem& p : got.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(got.records.size(), 2u);
  const auto second = nlohmann::json::parse(got.records[1].json);
  EXPECT_EQ(second["Event"]["System"]["EventID"], nullptr) << got.records[1].json;
  EXPECT_EQ(second["Event"]["EventData"]["Empty"], "") << got.records[1].json;
}

TEST(EvtxTest, NotEvtxIsAnError) {
  const std::vector<uint8_t> garbage = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(Parse(garbage).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({}).status.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(LooksLikeEvtx(garbage));
  EXPECT_FALSE(LooksLikeEvtx({}));
  const std::vector<uint8_t> magic = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
  EXPECT_TRUE(LooksLikeEvtx(magic));
}

TEST(EvtxTest, HeaderOnlyFileHasNoRecords) {
  const Parsed got = Parse(BuildFile({}));
  EXPECT_TRUE(got.status.ok());
  EXPECT_TRUE(got.records.empty());
  EXPECT_TRUE(got.problems.empty());

  std::vector<uint8_t> short_header = BuildFile({});
  short_header.resize(100);
  const Parsed cut = Parse(short_header);
  EXPECT_TRUE(cut.status.ok());
  ASSERT_EQ(cut.problems.size(), 1u);
  EXPECT_NE(cut.problems[0].message.find("truncated"), std::string::npos);
}

std::vector<uint8_t> OneRecordChunk(uint64_t id) {
  ChunkBuilder chunk;
  chunk.AddRecord(id, kFileTime, DirectRecord);
  return chunk.Finish();
}

TEST(EvtxTest, TruncatedChunkIsReportedAfterEarlierChunks) {
  std::vector<uint8_t> file = BuildFile({OneRecordChunk(1), OneRecordChunk(2)});
  file.resize(file.size() - 1000);
  const Parsed got = Parse(file);
  EXPECT_TRUE(got.status.ok());
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].record_id, 1u);
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].offset, 4096u + 65536u);
}

TEST(EvtxTest, BadChunkIsSkippedAndTheNextOneRead) {
  for (const size_t damage : {size_t{0}, size_t{60}, size_t{200}, size_t{600}}) {
    SCOPED_TRACE(damage);
    std::vector<uint8_t> file = BuildFile({OneRecordChunk(1), OneRecordChunk(2)});
    file[4096 + damage] ^= 0x55;  // magic, header checksum, table checksum, record checksum
    const Parsed got = Parse(file);
    EXPECT_TRUE(got.status.ok());
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].record_id, 2u);
    ASSERT_EQ(got.problems.size(), 1u);
    EXPECT_EQ(got.problems[0].offset, 4096u);
  }
}

TEST(EvtxTest, PreallocatedZeroChunkIsSkippedSilently) {
  const Parsed got = Parse(BuildFile({std::vector<uint8_t>(65536, 0), OneRecordChunk(5)}));
  EXPECT_TRUE(got.problems.empty());
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].record_id, 5u);
}

TEST(EvtxTest, BadFileHeaderChecksumIsReportedButChunksAreRead) {
  std::vector<uint8_t> file = BuildFile({OneRecordChunk(1)});
  file[20] ^= 1;
  const Parsed got = Parse(file);
  EXPECT_EQ(got.records.size(), 1u);
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].offset, 0u);
}

TEST(EvtxTest, DamagedRecordIsSkippedAndTheNextOneRead) {
  ChunkBuilder builder;
  const uint32_t bad = builder.AddRecord(1, kFileTime, [](BinXmlWriter& w) {
    w.FragmentHeader();
    w.U8(0x3f);  // not a token
    w.Eof();
  });
  builder.AddRecord(2, kFileTime, DirectRecord);
  const Parsed got = Parse(BuildFile({builder.Finish()}));
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].record_id, 2u);
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].offset, 4096u + bad);
  EXPECT_NE(got.problems[0].message.find("token"), std::string::npos) << got.problems[0].message;
}

TEST(EvtxTest, BadRecordSizeSkipsTheRestOfTheChunk) {
  ChunkBuilder builder;
  builder.AddRecord(1, kFileTime, DirectRecord);
  const uint32_t second = builder.AddRecord(2, kFileTime, DirectRecord);
  std::vector<uint8_t> chunk = builder.Finish();
  testing::SetLe(&chunk, second + 4, 0xfffffff0u, 4);
  ChunkBuilder::Fix(&chunk);
  const Parsed got = Parse(BuildFile({chunk, OneRecordChunk(3)}));
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].record_id, 1u);
  EXPECT_EQ(got.records[1].record_id, 3u);
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].offset, 4096u + second);
}

// Every single-byte change to the records of a chunk (checksums fixed up so the BinXML parser
// sees the damage) is either parsed or reported: no crash, no hang, valid JSON out.
TEST(EvtxTest, AnySingleByteDamageIsHandled) {
  ChunkBuilder builder;
  builder.AddRecord(1, kFileTime, TemplateRecord);
  builder.AddRecord(2, kFileTime, DirectRecord);
  const std::vector<uint8_t> chunk = builder.Finish();
  const uint32_t end = chunk[48] | (chunk[49] << 8);
  for (uint32_t at = 512; at < end; ++at) {
    for (const uint8_t x : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> damaged = chunk;
      damaged[at] ^= x;
      ChunkBuilder::Fix(&damaged);
      const Parsed got = Parse(BuildFile({damaged}));
      ASSERT_TRUE(got.status.ok());
      for (const Record& r : got.records) {
        ASSERT_FALSE(nlohmann::json::parse(r.json, nullptr, false).is_discarded()) << r.json;
      }
    }
  }
}

TEST(EvtxTest, EveryTruncationIsHandled) {
  ChunkBuilder builder;
  builder.AddRecord(1, kFileTime, TemplateRecord);
  const std::vector<uint8_t> file = BuildFile({builder.Finish()});
  for (size_t size = 0; size < file.size(); size += 97) {
    const std::span<const uint8_t> prefix(file.data(), size);
    const Parsed got = Parse(prefix);
    EXPECT_EQ(got.status.ok(), size >= 8);
    EXPECT_TRUE(got.records.empty());
  }
}

// A record whose template would expand far beyond its size is reported, not built.
TEST(EvtxTest, AmplificationIsBounded) {
  // <E>%0%1</E> with two 3000-item arrays: the element would repeat 9 million times.
  std::vector<SubValue> arrays(2, SubValue{0x84, std::vector<uint8_t>(3000, 7)});
  // <E>%0 x 2000</E> with one 30 KB string: 60 MB of text.
  std::vector<SubValue> text = {Utf16Value(std::string(15000, 'x'))};
  ChunkBuilder builder;
  builder.AddRecord(1, kFileTime, [&](BinXmlWriter& w) {
    w.FragmentHeader();
    testing::TemplateInstance(
        w,
        [](BinXmlWriter& d) {
          d.Open("E", false, true);
          d.CloseStart();
          d.Substitution(0, 0x84, false);
          d.Substitution(1, 0x84, false);
          d.End();
        },
        arrays);
    w.Eof();
  });
  builder.AddRecord(2, kFileTime, [&](BinXmlWriter& w) {
    w.FragmentHeader();
    testing::TemplateInstance(
        w,
        [](BinXmlWriter& d) {
          d.Open("E", false, true);
          d.CloseStart();
          for (int i = 0; i < 2000; ++i) d.Substitution(0, 0x01, false);
          d.End();
        },
        text);
    w.Eof();
  });
  builder.AddRecord(3, kFileTime, DirectRecord);
  const Parsed got = Parse(BuildFile({builder.Finish()}));
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].record_id, 3u);
  ASSERT_EQ(got.problems.size(), 2u);
  for (const Problem& p : got.problems) {
    EXPECT_NE(p.message.find("expands beyond"), std::string::npos) << p.message;
  }
}

// The fuzzing seeds in fuzz/corpus/evtx_fuzzer/ are the handcrafted inputs above: whole files,
// and bare record areas (records.*), which evtx_fuzzer.cc wraps into a chunk with valid
// checksums. This keeps them in step with the builder; VIGIL_EVTX_WRITE_CORPUS=dir rewrites them.
TEST(EvtxTest, FuzzSeedsAreTheHandcraftedInputs) {
  auto records = [](const std::vector<uint8_t>& chunk) {
    const uint32_t end = chunk[48] | (chunk[49] << 8);
    return std::vector<uint8_t>(chunk.begin() + 512, chunk.begin() + end);
  };
  ChunkBuilder both;
  both.AddRecord(1, kFileTime, TemplateRecord);
  both.AddRecord(2, kFileTime, DirectRecord);
  const std::vector<uint8_t> chunk = both.Finish();
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds = {
      {"template_and_direct.evtx", BuildFile({chunk})},
      {"records.template_and_direct", records(chunk)},
      {"records.direct", records(OneRecordChunk(9))},
      {"header_only.evtx", BuildFile({})},
  };
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  const char* write_to = std::getenv("VIGIL_EVTX_WRITE_CORPUS");
  const fs::path dir = write_to != nullptr ? fs::path(write_to)
                                           : fs::path(source != nullptr ? source : ".") / "fuzz" /
                                                 "corpus" / "evtx_fuzzer";
  for (const auto& [name, bytes] : seeds) {
    if (write_to != nullptr) {
      std::ofstream out(dir / name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      continue;
    }
    std::ifstream in(dir / name, std::ios::binary);
    ASSERT_TRUE(in) << (dir / name);
    std::vector<uint8_t> kept((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    EXPECT_EQ(kept, bytes) << name << " differs from the builder's output";
  }
}
}  // namespace
}  // namespace vigil::evtx
