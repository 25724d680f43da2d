// The mobsim executable: the engine's command line with the built-in models.
#include <hdf5.h>
#include <malloc.h>

#include <exception>
#include <iostream>

#include <sstream>

#include "cli.hpp"
#include "mpi_ensemble.hpp"
#include "register_models.hpp"

int main(int argc, char** argv) {
  // Agent columns of several MB each grow as cities grow. With glibc's
  // dynamic threshold (raised up to 32 MB after the first large free), the
  // buffers they leave behind stay in the heap and in the resident memory;
  // a fixed threshold gives every large buffer its own mapping, returned to
  // the system when freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // HDF5 closes what is still open when the process exits; a file whose
  // last write failed (disk full) cannot be closed, and HDF5 1.10 then
  // crashes at exit. Every file is closed explicitly, and a failed one is
  // reported (exit 3) and removed, so the exit handler has nothing to do.
  H5dont_atexit();
  // Under mpirun, rank 0 speaks for all: the others' messages would repeat
  // it. A rank that fails ends every rank (mobsim::abort_ranks), so that no
  // rank waits for it.
  const mobsim::Ranks ranks = mobsim::start_ranks(argc, argv);
  std::ostringstream quiet;
  std::ostream& out = ranks.root() ? std::cout : quiet;
  std::ostream& err = ranks.root() ? std::cerr : quiet;
  int status = 1;
  try {
    status = mobsim::run_cli(argc, argv, mobsim::models::builtin_registry(), out, err);
  } catch (const std::exception& e) {  // a registry that contradicts itself (a programming error)
    std::cerr << "mobsim: internal error: " << e.what() << "\n";
  }
  if (status != 0 && ranks.distributed()) mobsim::abort_ranks(status);
  mobsim::finish_ranks();
  return status;
}
