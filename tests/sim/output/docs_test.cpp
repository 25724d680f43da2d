// docs/SCENARIO.md and the series table of docs/OUTPUT.md are generated from
// the declarations; a stale committed copy fails here.
#include "docs.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace mobsim {
namespace {

TEST(Docs, CommittedReferenceDocsAreUpToDate) {
  const DocsStatus status = update_docs(test::registry(), test::source_dir() / "docs", /*check_only=*/true);
  std::string stale;
  for (const auto& f : status.stale_files) stale += f + " ";
  EXPECT_TRUE(status.up_to_date) << "stale: " << stale << "- run `build/mobsim docs` from the repository root";
}

TEST(Docs, ScenarioReferenceListsEveryDeclaredParameter) {
  const std::string doc = scenario_reference(test::registry());
  for (const auto& d : test::param_table().globals()) {
    const std::string leaf = d.key.substr(d.key.rfind('.') + 1);
    EXPECT_NE(doc.find("| `" + leaf + "` |"), std::string::npos) << d.key;
  }
  for (const auto& c : test::param_table().collections())
    for (const auto& f : c.fields) EXPECT_NE(doc.find("| `" + f.key + "` |"), std::string::npos) << f.key;
}

TEST(Docs, GeneratedBlockReplacement) {
  const std::string doc = "intro\n<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->\noutro\n";
  EXPECT_EQ(replace_generated_block(doc, "x", "new\n"),
            "intro\n<!-- BEGIN GENERATED: x -->\nnew\n<!-- END GENERATED: x -->\noutro\n");
  EXPECT_THROW(replace_generated_block("no markers", "x", ""), std::runtime_error);
}

}  // namespace
}  // namespace mobsim
