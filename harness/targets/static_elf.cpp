#include "harness/targets/static_elf.hpp"

#include <elf.h>

#include <cstring>

namespace clonediff::targets {

bool is_static_elf64(std::string_view image) {
  Elf64_Ehdr eh;
  if (image.size() < sizeof eh) return false;
  std::memcpy(&eh, image.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) return false;
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) return false;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    const std::size_t at = eh.e_phoff + i * sizeof(Elf64_Phdr);
    if (at + sizeof(Elf64_Phdr) > image.size()) return false;
    Elf64_Phdr ph;
    std::memcpy(&ph, image.data() + at, sizeof ph);
    if (ph.p_type == PT_INTERP) return false;
  }
  return true;
}

}  // namespace clonediff::targets
