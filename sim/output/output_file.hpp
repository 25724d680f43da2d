#pragma once
// Where a run's output goes, made safe for cluster jobs (docs/OUTPUT.md,
// "How the file is written"). Before anything runs, the target is checked
// and locked; the writer fills a temporary file beside it; only a complete,
// flushed file is renamed into place, so that
//   - a device, FIFO, socket or folder is never replaced (refused up front),
//   - a failed or killed run never leaves a partial file under the final
//     name, and the next run on the same path removes what it left behind,
//   - an existing output is kept as a numbered backup (#NAME.1#, #NAME.2#,
//     ... as GROMACS does) unless the caller asks to overwrite it,
//   - two runs on the same path cannot both write it (an flock on NAME.lock,
//     released by the system even when a run is killed),
//   - a power loss right after the run leaves the old or the new file, whole.
#include <filesystem>
#include <string>
#include <vector>

namespace mobsim {

enum class ExistingOutput { keep_backup, overwrite };

class OutputFile {
 public:
  static constexpr int kMaxBackups = 99;

  // Throws OutputPathError (unusable target), OutputBusyError (locked by
  // another run) or WriteError (the lock cannot be written: disk full...).
  OutputFile(const std::filesystem::path& requested, ExistingOutput existing);
  ~OutputFile();  // removes the temporary file unless committed, then the lock
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The file that will be written: the requested path, or the file a
  // symbolic link there points to (the link is kept).
  const std::filesystem::path& path() const { return path_; }
  // NAME.tmp-PID beside it, for the writer to create.
  const std::filesystem::path& temporary_path() const { return temporary_; }
  // NAME.lock, held while the run writes.
  const std::filesystem::path& lock_path() const { return lock_path_; }
  // What the checks did that a user should hear of ("removed ..., left by a
  // run that did not finish").
  const std::vector<std::string>& notes() const { return notes_; }

  // Flushes the temporary file to disk, keeps an existing output as a
  // backup (unless overwriting), renames the temporary file into place and
  // flushes the folder. Returns the backup's path (empty when none was
  // made). Throws WriteError; the existing output is then unchanged.
  std::filesystem::path commit();

 private:
  std::filesystem::path path_, folder_, temporary_, lock_path_;
  ExistingOutput existing_;
  int lock_fd_ = -1;
  bool committed_ = false;
  std::vector<std::string> notes_;

  void take_lock();
  void remove_stale_temporaries();
  std::filesystem::path backup_name(int n) const;
};

}  // namespace mobsim
