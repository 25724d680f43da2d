#include "checkpoint_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "output_errors.hpp"

namespace mobsim {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'M', 'O', 'B', 'S', 'I', 'M', 'C', 'K'};

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::uint32_t crc_of(std::uint32_t crc, const void* data, std::size_t n) {
  // zlib's crc32 takes at most 4 GiB at a time (uInt).
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {
    const std::size_t part = std::min<std::size_t>(n, 1u << 30);
    crc = static_cast<std::uint32_t>(::crc32(crc, p, static_cast<uInt>(part)));
    p += part;
    n -= part;
  }
  return crc;
}

// Header and frames (everything but the world state), as one archive.
void archive_meta(StateArchive& ar, ReplicateCheckpoint& c) {
  {
    const auto section = ar.section("run");
    c.run.archive(ar);
  }
  ar("replicate", c.replicate);
  ar("step", c.step);
  std::uint64_t frames = c.frames.size();
  ar("frames", frames);
  if (ar.is_loading()) c.frames.resize(frames);
  for (Frame& f : c.frames) f.archive(ar);
  ar.expect_end();
}

class FileWriter {
 public:
  FileWriter(const fs::path& path, const fs::path& reported) : path_(path), reported_(reported) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create");
    buffer_.reserve(kBuffer);
  }
  ~FileWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Small pieces gather in a buffer; large ones go straight to the file.
  void write(const void* data, std::size_t n) {
    if (buffer_.size() + n <= kBuffer) {
      const auto* b = static_cast<const char*>(data);
      buffer_.insert(buffer_.end(), b, b + n);
      return;
    }
    flush_buffer();
    if (n < kBuffer) {
      write(data, n);
      return;
    }
    write_through(data, n);
  }
  void flush_buffer() {
    if (buffer_.empty()) return;
    write_through(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  void write_through(const void* data, std::size_t n) {
    crc_ = crc_of(crc_, data, n);
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t done = ::write(fd_, p, std::min<std::size_t>(n, 1u << 30));
      if (done < 0) {
        if (errno == EINTR) continue;
        fail("cannot write");
      }
      p += done;
      n -= static_cast<std::size_t>(done);
      bytes_ += static_cast<std::uint64_t>(done);
    }
  }
  void write_u64(std::uint64_t v) { write(&v, sizeof v); }
  std::uint64_t finish() {
    flush_buffer();
    const std::uint32_t crc = crc_;
    write_through(&crc, sizeof crc);
    if (::fsync(fd_) != 0) fail("cannot flush");
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail("cannot close");
    }
    fd_ = -1;
    return bytes_;
  }

 private:
  [[noreturn]] void fail(const char* what) {
    const int error = errno;
    throw WriteError(reported_, std::string(what) + " the checkpoint " + quoted(path_) + ": " + std::strerror(error));
  }
  static constexpr std::size_t kBuffer = 1 << 20;
  std::vector<char> buffer_;
  fs::path path_, reported_;
  int fd_ = -1;
  std::uint32_t crc_ = 0;
  std::uint64_t bytes_ = 0;
};

void fsync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void CheckpointRun::archive(StateArchive& ar) {
  ar("program", program);
  ar("scenario_file", scenario_file);
  ar("scenario_toml", scenario_toml);
  ar("output", output);
  ar("master_seed", master_seed);
  ar("replicates", replicates);
  ar("steps", steps);
}

std::string CheckpointRun::difference(const CheckpointRun& o) const {
  if (program != o.program) return "written by " + o.program + ", not by this program (" + program + ")";
  if (scenario_toml != o.scenario_toml) {
    // The first line that differs, so that a user sees which parameter.
    std::size_t a = 0, b = 0;
    while (a < scenario_toml.size() || b < o.scenario_toml.size()) {
      const std::size_t ea = std::min(scenario_toml.find('\n', a), scenario_toml.size());
      const std::size_t eb = std::min(o.scenario_toml.find('\n', b), o.scenario_toml.size());
      const std::string la = scenario_toml.substr(a, ea - a), lb = o.scenario_toml.substr(b, eb - b);
      if (la != lb)
        return "of another scenario: its resolved scenario has '" + lb + "' where this one has '" + la + "'";
      a = ea + 1;
      b = eb + 1;
    }
    return "of another scenario";
  }
  if (master_seed != o.master_seed)
    return "of seed " + std::to_string(o.master_seed) + ", not " + std::to_string(master_seed);
  if (replicates != o.replicates)
    return "of a run of " + std::to_string(o.replicates) + " replicates, not " + std::to_string(replicates);
  if (steps != o.steps) return "of a run of " + std::to_string(o.steps) + " steps, not " + std::to_string(steps);
  return {};
}

fs::path checkpoint_path(const fs::path& folder, std::uint32_t replicate) {
  char name[48];
  std::snprintf(name, sizeof name, "replicate-%04u.ckpt", replicate);
  return folder / name;
}

fs::path previous_checkpoint_path(const fs::path& folder, std::uint32_t replicate) {
  char name[48];
  std::snprintf(name, sizeof name, "replicate-%04u_prev.ckpt", replicate);
  return folder / name;
}

std::optional<std::uint32_t> checkpoint_replicate(const std::string& name) {
  unsigned r = 0;
  char tail[8] = "";
  if (std::sscanf(name.c_str(), "replicate-%u.%7s", &r, tail) == 2 && std::strcmp(tail, "ckpt") == 0 &&
      name == checkpoint_path("", r).string())
    return r;
  return std::nullopt;
}

std::uint64_t write_checkpoint(const fs::path& folder, const ReplicateCheckpoint& c, const StateSaver* state) {
  std::vector<std::byte> meta;
  {
    StateArchive ar = StateArchive::saving(meta);
    archive_meta(ar, const_cast<ReplicateCheckpoint&>(c));  // saving only reads it
  }
  const fs::path final_path = checkpoint_path(folder, c.replicate);
  fs::path temporary = final_path;
  temporary += ".tmp-" + std::to_string(::getpid());
  std::uint64_t bytes = 0;
  try {
    FileWriter w(temporary, final_path);
    w.write(kMagic, sizeof kMagic);
    const std::uint32_t format = kCheckpointFormat;
    w.write(&format, sizeof format);
    w.write_u64(meta.size());
    w.write(meta.data(), meta.size());
    std::uint64_t state_bytes = 0;
    if (state != nullptr) {
      StateArchive ar = StateArchive::saving_to([&](const void* p, std::size_t n) { w.write(p, n); });
      (*state)(ar);
      state_bytes = ar.written();
    }
    w.write_u64(state_bytes);
    bytes = w.finish();
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  // The current checkpoint becomes the previous one (a hard link, so that
  // the name never goes missing), then the new one takes its name.
  const fs::path previous = previous_checkpoint_path(folder, c.replicate);
  std::error_code ec;
  if (fs::exists(final_path, ec)) {
    fs::path link = previous;
    link += ".tmp-" + std::to_string(::getpid());
    ::unlink(link.c_str());
    if (::link(final_path.c_str(), link.c_str()) == 0) {
      if (::rename(link.c_str(), previous.c_str()) != 0) ::unlink(link.c_str());
    } else {
      ::rename(final_path.c_str(), previous.c_str());
    }
  }
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw WriteError(final_path, std::string("cannot rename the checkpoint into place: ") + std::strerror(error));
  }
  fsync_folder(folder);
  return bytes;
}

LoadedCheckpoint::LoadedCheckpoint(const fs::path& file) : file_(file) {
  const std::string where = quoted(file);
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CheckpointError("cannot open checkpoint " + where + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw CheckpointError("checkpoint " + where + " is not a regular file");
  }
  map_bytes_ = static_cast<std::size_t>(st.st_size);
  constexpr std::size_t kFixed = sizeof kMagic + 4 + 8 + 8 + 4;
  if (map_bytes_ < kFixed) {
    ::close(fd);
    throw CheckpointError("checkpoint " + where + " is too short to be one (" + std::to_string(map_bytes_) +
                          " bytes; truncated?)");
  }
  map_ = ::mmap(nullptr, map_bytes_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw CheckpointError("cannot read checkpoint " + where + ": " + std::strerror(errno));
  }
  const auto* bytes = static_cast<const std::byte*>(map_);
  const auto fail = [&](const std::string& why) {
    ::munmap(map_, map_bytes_);
    map_ = nullptr;
    throw CheckpointError("checkpoint " + where + " " + why);
  };
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0) fail("is not a mobsim checkpoint (its first bytes differ)");
  std::uint32_t format = 0;
  std::memcpy(&format, bytes + 8, 4);
  if (format != kCheckpointFormat)
    fail("has format " + std::to_string(format) + "; this program reads format " + std::to_string(kCheckpointFormat));
  std::uint64_t meta_bytes = 0, state_bytes = 0;
  std::memcpy(&meta_bytes, bytes + 12, 8);
  if (meta_bytes > map_bytes_ - kFixed) fail("is truncated (its header says more than the file holds)");
  std::memcpy(&state_bytes, bytes + map_bytes_ - 12, 8);
  if (state_bytes != map_bytes_ - kFixed - meta_bytes)
    fail("is truncated or has bytes appended: " + std::to_string(map_bytes_) + " bytes where its lengths say " +
         std::to_string(kFixed + meta_bytes + state_bytes));
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes + map_bytes_ - 4, 4);
  if (crc_of(0, bytes, map_bytes_ - 4) != stored) fail("is corrupt: its CRC-32 does not match its contents");
  try {
    StateArchive ar = StateArchive::loading(std::span(bytes + 20, meta_bytes), where);
    archive_meta(ar, header_);
  } catch (const CheckpointError& e) {
    fail(std::string("cannot be read: ") + e.what());
  }
  state_ = std::span(bytes + 20 + meta_bytes, state_bytes);
  if (header_.step < 0 || header_.step > header_.run.steps ||
      header_.frames.size() != static_cast<std::size_t>(header_.step) + 1 || header_.replicate >= header_.run.replicates)
    fail("is inconsistent (step, frames or replicate out of range)");
  if (header_.finished() != state_.empty()) fail("is inconsistent (a world state where none belongs, or none)");
}

LoadedCheckpoint::~LoadedCheckpoint() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

std::vector<std::unique_ptr<LoadedCheckpoint>> load_checkpoints(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw CheckpointError("checkpoint folder " + quoted(folder) + " does not exist or is not a folder");
  std::map<std::uint32_t, fs::path> files;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (const auto r = checkpoint_replicate(it->path().filename().string())) files[*r] = it->path();
  }
  if (files.empty())
    throw CheckpointError("checkpoint folder " + quoted(folder) + " holds no checkpoint (replicate-NNNN.ckpt)");
  std::vector<std::unique_ptr<LoadedCheckpoint>> out;
  const CheckpointRun* first = nullptr;
  for (const auto& [r, path] : files) {
    auto c = std::make_unique<LoadedCheckpoint>(path);
    if (c->header().replicate != r)
      throw CheckpointError("checkpoint " + quoted(path) + " holds replicate " + std::to_string(c->header().replicate));
    if (first == nullptr) {
      out.resize(c->header().run.replicates);
    } else if (const std::string why = first->difference(c->header().run); !why.empty()) {
      throw CheckpointError("checkpoints in " + quoted(folder) + " belong to different runs: " + quoted(path) + " is " +
                            why);
    }
    if (r >= out.size())
      throw CheckpointError("checkpoint " + quoted(path) + " is of a replicate beyond the run's " +
                            std::to_string(out.size()));
    out[r] = std::move(c);
    first = &out[r]->header().run;
  }
  return out;
}

std::vector<std::string> remove_stale_checkpoint_files(const fs::path& folder) {
  std::vector<std::string> notes;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("replicate-", 0) != 0 || name.find(".ckpt.tmp-") == std::string::npos) continue;
    std::error_code removed;
    if (fs::remove(it->path(), removed))
      notes.push_back("removed " + quoted(it->path()) + ", left by a checkpoint write that did not finish");
  }
  return notes;
}

}  // namespace mobsim
