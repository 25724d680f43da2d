#include "output_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "output_errors.hpp"

namespace mobsim {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Failures that mean "this folder does not take new files" (the command
// must change) rather than "the disk failed" (free space, run again).
bool is_permission_error(int error) { return error == EACCES || error == EPERM || error == EROFS; }

void fsync_path(const fs::path& path, int flags, const fs::path& reported_as) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw WriteError(reported_as, std::string("cannot open ") + quoted(path) + " to flush it: " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // A folder on a file system that cannot flush folders (EINVAL) has
  // nothing more to flush.
  if (status != 0 && !(error == EINVAL && (flags & O_DIRECTORY)))
    throw WriteError(reported_as, std::string("cannot flush ") + quoted(path) + " to disk: " + std::strerror(error));
}

std::string host_name() {
  char host[256] = "";
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown host";
  return host;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

}  // namespace

OutputFile::OutputFile(const fs::path& requested, ExistingOutput existing) : existing_(existing) {
  path_ = requested;
  struct stat st {};
  if (::lstat(requested.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    // A link is followed to the file it names: the link stays, and the new
    // output (and any backup) lands beside its target.
    std::error_code ec;
    const fs::path target = fs::canonical(requested, ec);
    if (ec)
      throw OutputPathError("output " + quoted(requested) + " is a symbolic link to " +
                            quoted(fs::read_symlink(requested, ec)) +
                            ", which does not exist; mobsim follows a link only to an existing file");
    path_ = target;
  }
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw OutputPathError("output " + quoted(path_) + " is " + kind_of(st.st_mode) +
                            ", not a regular file: mobsim writes a new file and renames it into place, which would "
                            "replace it; choose a file name, or run with --no-output to write nothing");
  } else if (errno != ENOENT) {
    throw OutputPathError("output " + quoted(path_) + ": " + std::strerror(errno));
  }
  folder_ = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  if (::stat(folder_.c_str(), &st) != 0)
    throw OutputPathError("output folder " + quoted(folder_) + " does not exist");
  if (!S_ISDIR(st.st_mode)) throw OutputPathError("output folder " + quoted(folder_) + " is not a folder");

  temporary_ = path_;
  temporary_ += ".tmp-" + std::to_string(::getpid());
  lock_path_ = path_;
  lock_path_ += ".lock";
  take_lock();
  try {
    remove_stale_temporaries();
    std::error_code ec;
    if (existing_ == ExistingOutput::keep_backup && fs::exists(path_, ec) &&
        fs::exists(backup_name(kMaxBackups), ec))
      throw OutputPathError("output " + quoted(path_) + " already has " + std::to_string(kMaxBackups) +
                            " backups (" + backup_name(1).filename().string() + " to " +
                            backup_name(kMaxBackups).filename().string() +
                            "); remove some, choose another output, or run with --overwrite");
  } catch (...) {
    ::unlink(lock_path_.c_str());
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw;
  }
}

void OutputFile::take_lock() {
  // Another run may remove the lock file between our open and our flock
  // (it removes it when it ends): lock, then check that the file we hold
  // is still the one under the name.
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int error = errno;
      if (is_permission_error(error))
        throw OutputPathError("cannot create files in output folder " + quoted(folder_) + ": " + std::strerror(error));
      throw WriteError(path_, "cannot create the lock file " + quoted(lock_path_) + ": " + std::strerror(error));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      if (error == EWOULDBLOCK) {
        char owner[512] = "";
        const ssize_t n = ::pread(fd, owner, sizeof owner - 1, 0);
        ::close(fd);
        std::string who = n > 0 ? std::string(owner, static_cast<std::size_t>(n)) : "a process that has not yet said";
        while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
        throw OutputBusyError("output " + quoted(path_) + " is being written by another mobsim run (" + who +
                              "); wait for it to finish, or choose another output");
      }
      ::close(fd);
      if (error == ENOLCK || error == EOPNOTSUPP || error == EINVAL) {
        notes_.push_back("the file system of " + quoted(folder_) + " cannot lock files (" + std::strerror(error) +
                         "): a second run on the same output would not be detected");
        return;
      }
      throw WriteError(path_, "cannot lock " + quoted(lock_path_) + ": " + std::strerror(error));
    }
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(lock_path_.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
        held.st_dev != named.st_dev) {
      ::close(fd);  // the previous holder removed it; take the new one
      continue;
    }
    lock_fd_ = fd;
    const std::string owner = "pid " + std::to_string(::getpid()) + " on host " + host_name() + ", started " +
                              utc_now() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, owner.data(), owner.size(), 0) != static_cast<ssize_t>(owner.size())) {
      const int error = errno;
      ::unlink(lock_path_.c_str());
      ::close(fd);
      lock_fd_ = -1;
      throw WriteError(path_, "cannot write the lock file " + quoted(lock_path_) + ": " + std::strerror(error));
    }
    return;
  }
  throw OutputBusyError("output " + quoted(path_) + ": its lock file keeps being replaced by other runs");
}

void OutputFile::remove_stale_temporaries() {
  // Holding the lock, no other run writes this output: a temporary file of
  // this name is left over from a run that was killed or lost its node.
  const std::string prefix = path_.filename().string() + ".tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
    if (name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) continue;
    std::error_code removed;
    if (fs::remove(it->path(), removed))
      notes_.push_back("removed " + quoted(it->path()) + ", left by a run on the same output that did not finish");
  }
}

fs::path OutputFile::backup_name(int n) const {
  return path_.parent_path() / ("#" + path_.filename().string() + "." + std::to_string(n) + "#");
}

fs::path OutputFile::commit() {
  fsync_path(temporary_, O_RDONLY, path_);
  fs::path backup;
  bool backup_by_rename = false;  // the old file moved away, to be moved back if the rename fails
  std::error_code ec;
  if (existing_ == ExistingOutput::keep_backup && fs::exists(path_, ec)) {
    // A hard link keeps the old file under its name until the rename
    // replaces it, so the output path never goes missing.
    for (int n = 1; n <= kMaxBackups && backup.empty(); ++n) {
      const fs::path candidate = backup_name(n);
      if (::link(path_.c_str(), candidate.c_str()) == 0) {
        backup = candidate;
      } else if (errno == EEXIST) {
        continue;
      } else if (errno == EPERM || errno == EOPNOTSUPP || errno == EMLINK) {
        if (fs::exists(candidate, ec)) continue;
        if (::rename(path_.c_str(), candidate.c_str()) != 0)
          throw WriteError(path_, "cannot keep the existing output as " + quoted(candidate) + ": " + std::strerror(errno));
        backup = candidate;
        backup_by_rename = true;
      } else {
        throw WriteError(path_, "cannot keep the existing output as " + quoted(candidate) + ": " + std::strerror(errno));
      }
    }
    if (backup.empty())
      throw WriteError(path_, "no backup name is free (" + backup_name(1).filename().string() + " to " +
                                  backup_name(kMaxBackups).filename().string() + " exist)");
    fsync_path(folder_, O_RDONLY | O_DIRECTORY, path_);
  }
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    if (backup_by_rename)
      ::rename(backup.c_str(), path_.c_str());
    else if (!backup.empty())
      ::unlink(backup.c_str());  // the old file is still in place under its name
    throw WriteError(path_, std::string("cannot rename the finished file into place: ") + std::strerror(error));
  }
  committed_ = true;
  fsync_path(folder_, O_RDONLY | O_DIRECTORY, path_);
  return backup;
}

OutputFile::~OutputFile() {
  if (!committed_) ::unlink(temporary_.c_str());
  if (lock_fd_ >= 0) {
    ::unlink(lock_path_.c_str());  // while still holding it: see take_lock
    ::close(lock_fd_);
  }
}

}  // namespace mobsim
