// The output target as a cluster job meets it: special files refused before
// anything is written, links followed, earlier outputs kept as numbered
// backups, a second writer refused, and nothing left behind either way.
#include "output_file.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_helpers.hpp"
#include "output_errors.hpp"

namespace mobsim {
namespace {

namespace fs = std::filesystem;

// Writes what a writer would, then commits.
fs::path write_and_commit(OutputFile& file, const std::string& text) {
  test::write_file(file.temporary_path(), text);
  return file.commit();
}

template <class Error>
std::string refusal(const fs::path& path, ExistingOutput existing = ExistingOutput::keep_backup) {
  try {
    OutputFile file(path, existing);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << path;
  return "";
}

TEST(OutputFile, WritesThroughATemporaryFileAndLeavesOnlyTheOutput) {
  test::TempDir dir("output_plain");
  {
    OutputFile file(dir / "run.h5", ExistingOutput::keep_backup);
    EXPECT_EQ(file.temporary_path(), dir / ("run.h5.tmp-" + std::to_string(::getpid())));
    EXPECT_TRUE(fs::exists(dir / "run.h5.lock"));  // held while the run goes on
    EXPECT_TRUE(write_and_commit(file, "new").empty());
  }
  EXPECT_EQ(dir.files(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(test::read_file(dir / "run.h5"), "new");
}

TEST(OutputFile, AnUncommittedRunLeavesNothingAndKeepsTheOldFile) {
  test::TempDir dir("output_uncommitted");
  test::write_file(dir / "run.h5", "old");
  {
    OutputFile file(dir / "run.h5", ExistingOutput::keep_backup);
    test::write_file(file.temporary_path(), "half");
  }  // a failure: never committed
  EXPECT_EQ(dir.files(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(test::read_file(dir / "run.h5"), "old");
}

TEST(OutputFile, AnExistingOutputIsKeptAsANumberedBackupUnlessOverwritten) {
  test::TempDir dir("output_backups");
  for (const std::string text : {"first", "second", "third"}) {
    OutputFile file(dir / "run.h5", ExistingOutput::keep_backup);
    write_and_commit(file, text);
  }
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"#run.h5.1#", "#run.h5.2#", "run.h5"}));
  EXPECT_EQ(test::read_file(dir / "#run.h5.1#"), "first");
  EXPECT_EQ(test::read_file(dir / "#run.h5.2#"), "second");
  EXPECT_EQ(test::read_file(dir / "run.h5"), "third");
  {
    OutputFile file(dir / "run.h5", ExistingOutput::overwrite);
    EXPECT_TRUE(write_and_commit(file, "fourth").empty());
  }
  EXPECT_EQ(dir.files().size(), 3u);
  EXPECT_EQ(test::read_file(dir / "run.h5"), "fourth");
}

TEST(OutputFile, NinetyNineBackupsStopTheRunBeforeItStarts) {
  test::TempDir dir("output_full_backups");
  test::write_file(dir / "run.h5", "old");
  for (int n = 1; n <= OutputFile::kMaxBackups; ++n) test::write_file(dir / ("#run.h5." + std::to_string(n) + "#"), "b");
  const std::string message = refusal<OutputPathError>(dir / "run.h5");
  EXPECT_NE(message.find("already has 99 backups"), std::string::npos) << message;
  EXPECT_NE(message.find("--overwrite"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir / "run.h5.lock"));
  OutputFile file(dir / "run.h5", ExistingOutput::overwrite);  // still allowed
}

TEST(OutputFile, SpecialFilesAndFoldersAreRefusedUnchanged) {
  test::TempDir dir("output_special");
  EXPECT_NE(refusal<OutputPathError>("/dev/null").find("output '/dev/null' is a character device, not a regular file"),
            std::string::npos);
  EXPECT_NE(refusal<OutputPathError>("/dev/null").find("--no-output"), std::string::npos);
  EXPECT_NE(refusal<OutputPathError>(dir.path()).find("is a folder"), std::string::npos);
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  EXPECT_NE(refusal<OutputPathError>(dir / "fifo").find("is a FIFO (named pipe)"), std::string::npos);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = (dir / "sock").string();
  ASSERT_LT(socket_path.size(), sizeof address.sun_path);
  socket_path.copy(address.sun_path, socket_path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_NE(refusal<OutputPathError>(dir / "sock").find("is a socket"), std::string::npos);
  ::close(sock);
  EXPECT_NE(refusal<OutputPathError>(dir / "missing" / "run.h5").find("does not exist"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"fifo", "sock"}));
}

TEST(OutputFile, ASymbolicLinkIsFollowedToItsFileAndKept) {
  test::TempDir dir("output_link");
  fs::create_directory(dir / "results");
  test::write_file(dir / "results" / "run.h5", "old");
  fs::create_symlink("results/run.h5", dir / "latest.h5");
  {
    OutputFile file(dir / "latest.h5", ExistingOutput::keep_backup);
    EXPECT_EQ(file.path(), fs::canonical(dir / "results" / "run.h5"));
    write_and_commit(file, "new");
  }
  EXPECT_TRUE(fs::is_symlink(dir / "latest.h5"));
  EXPECT_EQ(test::read_file(dir / "latest.h5"), "new");
  EXPECT_EQ(test::read_file(dir / "results" / "#run.h5.1#"), "old");
  fs::create_symlink("nowhere/run.h5", dir / "dangling.h5");
  const std::string message = refusal<OutputPathError>(dir / "dangling.h5");
  EXPECT_NE(message.find("is a symbolic link to 'nowhere/run.h5', which does not exist"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.h5"));
}

TEST(OutputFile, ASecondRunOnTheSameOutputIsRefusedWithTheFirstNamed) {
  test::TempDir dir("output_busy");
  test::write_file(dir / "run.h5", "old");
  OutputFile first(dir / "run.h5", ExistingOutput::keep_backup);
  const std::string message = refusal<OutputBusyError>(dir / "run.h5");
  EXPECT_NE(message.find("is being written by another mobsim run (pid " + std::to_string(::getpid()) + " on host "),
            std::string::npos)
      << message;
  write_and_commit(first, "new");
  EXPECT_EQ(test::read_file(dir / "run.h5"), "new");
}

TEST(OutputFile, LeftoversOfAKilledRunAreRemovedAndReported) {
  test::TempDir dir("output_stale");
  test::write_file(dir / "run.h5", "old");
  test::write_file(dir / "run.h5.tmp-4194305", "half of a run killed with -9");
  test::write_file(dir / "run.h5.lock", "pid 4194305 on host gone\n");  // not locked any more
  test::write_file(dir / "run.h5.tmp-notes", "not ours");
  {
    OutputFile file(dir / "run.h5", ExistingOutput::keep_backup);
    ASSERT_EQ(file.notes().size(), 1u);
    EXPECT_NE(file.notes()[0].find("run.h5.tmp-4194305', left by a run on the same output that did not finish"),
              std::string::npos)
        << file.notes()[0];
  }
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"run.h5", "run.h5.tmp-notes"}));
  EXPECT_EQ(test::read_file(dir / "run.h5"), "old");
}

}  // namespace
}  // namespace mobsim
