#include "hunt/input.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace vigil::hunt {
namespace {

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("vigil-input-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

std::string Gzip(const std::string& text) {
  uLongf size = compressBound(text.size()) + 32;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Every block of `path`, moved around as the parallel hunt moves them.
std::vector<std::string> ReadMoved(const std::string& path, size_t target) {
  auto blocks = OpenLineBlocks(path, target);
  EXPECT_TRUE(blocks.ok()) << blocks.status().message();
  std::vector<Block> held;
  for (;;) {
    auto next = (*blocks)->Next();
    EXPECT_TRUE(next.ok());
    if (!next.ok() || !next->has_value()) break;
    held.push_back(std::move(**next));
  }
  std::vector<Block> moved = std::move(held);
  std::vector<std::string> texts;
  for (Block& block : moved) {
    Block again = std::move(block);
    texts.emplace_back(again.text);
  }
  return texts;
}

TEST(LineBlocksTest, StreamedBlocksKeepTheirTextWhenMoved) {
  // Blocks this small would fit a std::string's inline buffer, which moves with the string.
  const std::string path = WriteTemp("small.log.gz", Gzip("1.2.3.4\nab\n5.6.7.8"));
  EXPECT_EQ(ReadMoved(path, 4), (std::vector<std::string>{"1.2.3.4\nab\n", "5.6.7.8"}));
  std::filesystem::remove(path);
}

TEST(LineBlocksTest, MappedBlocksAreCutAtTheFirstLineEndAfterTheTarget) {
  const std::string path = WriteTemp("plain.log", "first line\nsecond\nthird line here\nlast");
  EXPECT_EQ(ReadMoved(path, 8),
            (std::vector<std::string>{"first line\n", "second\nthird line here\n", "last"}));
  std::filesystem::remove(path);
}

TEST(LineBlocksTest, MissingFileIsAnErrorNamingIt) {
  auto blocks = OpenLineBlocks("/nonexistent/vigil.log", 1024);
  ASSERT_FALSE(blocks.ok());
  EXPECT_NE(blocks.status().where().find("/nonexistent/vigil.log"), std::string::npos)
      << blocks.status().where() << " " << blocks.status().message();
}

}  // namespace
}  // namespace vigil::hunt
