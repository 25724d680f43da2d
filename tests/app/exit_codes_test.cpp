// docs/EXIT_CODES.md is generated from the exit code table, and the table
// lists each code once, in order: a job script reads what the program does.
#include "exit_codes.hpp"

#include <gtest/gtest.h>

#include "cli_helpers.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(ExitCodes, CommittedReferenceIsUpToDate) {
  EXPECT_EQ(test::read_file(test::source_dir() / "docs" / "EXIT_CODES.md"), exit_codes_reference())
      << "run `build/mobsim docs` from the repository root";
}

TEST(ExitCodes, EachCodeOnceInOrderWithAnAnswerForJobScripts) {
  // 0 to 5 in order, then 75 (EX_TEMPFAIL of sysexits.h: stopped with a checkpoint).
  const std::vector<int> expected{kExitSuccess, kExitInternalError, kExitBadInput,  kExitWriteFailed,
                                  kExitOutOfMemory, kExitOutputBusy, kExitStopped};
  std::vector<int> codes;
  for (const auto& e : exit_codes()) {
    codes.push_back(e.code);
    EXPECT_FALSE(e.meaning.empty() || e.job_script.empty() || e.example.empty()) << e.name;
    EXPECT_NE(exit_codes_reference().find("| " + std::to_string(e.code) + " | " + e.name + " |"), std::string::npos);
  }
  EXPECT_EQ(codes, expected);
  EXPECT_EQ(kExitStopped, 75);
}

}  // namespace
}  // namespace mobsim
