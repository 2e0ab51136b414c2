#include "domain/record.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "domain/assessment.h"

namespace vigil::domain {
namespace {

Json Asset() {
  return {{"hostname", "  web-01 "},
          {"org_id", 3},
          {"role", "server"},
          {"ips", {"10.0.0.1", "2001:DB8:0:0::1", "10.0.0.1"}},
          {"mac", "AA-BB-CC-DD-EE-FF"}};
}

TEST(DecodeRecord, NormalisesValues) {
  auto r = DecodeRecord(kAssets, Asset(), DecodeMode::kCreate);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["hostname"], "web-01");
  EXPECT_EQ((*r)["ips"], Json({"10.0.0.1", "2001:db8::1"}));  // canonical, deduplicated
  EXPECT_EQ((*r)["mac"], "aa:bb:cc:dd:ee:ff");
}

TEST(DecodeRecord, NamesTheFieldAtFault) {
  struct Case {
    Json patch;
    std::string field;
  };
  const Case cases[] = {
      {{{"ips", {"10.0.0.1", "10.0.0.256"}}}, "ips[1]"},
      {{{"hostname", 5}}, "hostname"},
      {{{"hostname", std::string(254, 'a')}}, "hostname"},
      {{{"role", "printer"}}, "role"},
      {{{"org_id", "3"}}, "org_id"},
      {{{"org_id", 0}}, "org_id"},
      {{{"mac", "zz:bb:cc:dd:ee:ff"}}, "mac"},
      {{{"color", "red"}}, "color"},
      {{{"hostname",
         "a\x01"
         "b"}},
       "hostname"},
      {{{"hostname", "\xff\xfe"}}, "hostname"},
      {{{"system_ids", {1, -2}}}, "system_ids[1]"},
      {{{"hostname", nullptr}}, "hostname"},
  };
  for (const Case& c : cases) {
    Json body = Asset();
    body.update(c.patch);
    auto r = DecodeRecord(kAssets, body, DecodeMode::kCreate);
    ASSERT_FALSE(r.ok()) << c.patch.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().where(), c.field) << c.patch.dump() << " " << r.status().ToString();
  }
}

TEST(DecodeRecord, SystemLevelsAndDates) {
  Json sys = {{"name", "Cổng thông tin"},
              {"owner_org_id", 1},
              {"security_level", 3},
              {"approval_date", "2024-02-29"}};
  EXPECT_TRUE(DecodeRecord(kSystems, sys, DecodeMode::kCreate).ok());
  for (Json level : {Json(0), Json(6), Json(3.5), Json("3")}) {
    sys["security_level"] = level;
    auto r = DecodeRecord(kSystems, sys, DecodeMode::kCreate);
    EXPECT_EQ(r.status().where(), "security_level") << level.dump();
  }
  sys["security_level"] = 3;
  for (const char* date : {"2025-02-29", "30/04/2025", "2025-4-30", ""}) {
    sys["approval_date"] = date;
    EXPECT_EQ(DecodeRecord(kSystems, sys, DecodeMode::kCreate).status().where(), "approval_date")
        << date;
  }
}

TEST(DecodeRecord, CreateNeedsRequiredFieldsPatchDoesNot) {
  Json partial = {{"hostname", "pc-07"}};
  auto created = DecodeRecord(kAssets, partial, DecodeMode::kCreate);
  EXPECT_EQ(created.status().where(), "org_id");
  auto patched = DecodeRecord(kAssets, partial, DecodeMode::kPatch);
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(patched->size(), 1u);
}

TEST(DecodeRecord, ReadOnlyIgnoredInternalRejected) {
  auto r = DecodeRecord(kUsers, {{"id", 9}, {"created_at", "x"}, {"role", "viewer"}},
                        DecodeMode::kPatch);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->contains("id"));
  EXPECT_EQ(DecodeRecord(kUsers, {{"password_hash", "x"}}, DecodeMode::kPatch).status().where(),
            "password_hash");
  EXPECT_EQ(DecodeRecord(kUsers, Json::array(), DecodeMode::kPatch).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PublicView, HidesSecrets) {
  Json user = {{"id", 1},
               {"username", "a"},
               {"password_hash", "$argon2id$..."},
               {"failed_logins", 2},
               {"password", "x"}};
  Json view = PublicView(kUsers, user);
  EXPECT_FALSE(view.contains("password_hash"));
  EXPECT_FALSE(view.contains("failed_logins"));
  EXPECT_FALSE(view.contains("password"));
  EXPECT_EQ(view["username"], "a");
}

TEST(CsvCells, ConvertByFieldType) {
  EXPECT_EQ(*CsvCellToJson(*kAssets.Field("ips"), "10.0.0.1; 10.0.0.2;"),
            Json({"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(*CsvCellToJson(*kAssets.Field("system_ids"), "1;2"), Json({1, 2}));
  EXPECT_EQ(*CsvCellToJson(*kContacts.Field("on_call"), "Có"), Json(true));
  EXPECT_EQ(*CsvCellToJson(*kContacts.Field("on_call"), "không"), Json(false));
  EXPECT_EQ(*CsvCellToJson(*kContacts.Field("on_call"), ""), Json(nullptr));
  EXPECT_FALSE(CsvCellToJson(*kContacts.Field("on_call"), "maybe").ok());
  EXPECT_FALSE(CsvCellToJson(*kAssets.Field("org_id"), "12a").ok());
  EXPECT_EQ(JsonToCsvCell(Json({"a", "b"})), "a;b");
  EXPECT_EQ(JsonToCsvCell(Json(nullptr)), "");
}

TEST(Assessment, PeriodsByLevel) {
  AssessmentPolicy p;
  auto d = [](const char* s) { return *ParseDate(s); };
  EXPECT_EQ(FormatDate(*NextSystemAssessment(p, 5, d("2025-08-31"), std::nullopt)), "2026-02-28");
  EXPECT_EQ(FormatDate(*NextSystemAssessment(p, 3, std::nullopt, d("2024-02-29"))), "2025-02-28");
  EXPECT_EQ(FormatDate(*NextSystemAssessment(p, 4, d("2025-01-01"), d("2020-01-01"))),
            "2026-01-01");
  EXPECT_EQ(FormatDate(*NextSystemAssessment(p, 1, d("2025-01-01"), std::nullopt)), "2027-01-01");
  EXPECT_FALSE(NextSystemAssessment(p, 3, std::nullopt, std::nullopt));
  EXPECT_FALSE(NextSystemAssessment(p, 6, d("2025-01-01"), std::nullopt));
  EXPECT_EQ(FormatDate(*NextOrgAssessment(p, d("2024-06-30"))), "2026-06-30");
}

TEST(Resources, EveryReferenceNamesAResource) {
  for (const char* name :
       {"orgs", "systems", "assets", "contacts", "users", "audit", "sessions", "api_tokens"}) {
    const ResourceSpec* spec = FindResource(name);
    ASSERT_NE(spec, nullptr) << name;
    for (const FieldSpec& f : spec->fields) {
      if (f.type == FieldType::kRef || f.type == FieldType::kRefList) {
        EXPECT_NE(FindResource(f.ref), nullptr) << name << "." << f.name;
      }
    }
  }
}

}  // namespace
}  // namespace vigil::domain
