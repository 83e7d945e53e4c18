// clonediff-docs MAN_PAGE COMPLETION: writes clonediff(1) and the bash
// completion from the command-line definitions; run by the build.
#include <cstdio>
#include <fstream>

#include "harness/cli/docs.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: clonediff-docs MAN_PAGE COMPLETION\n", stderr);
    return 2;
  }
  const clonediff::cli::CommandLine line;
  std::ofstream man(argv[1], std::ios::trunc);
  man << clonediff::cli::man_page(line);
  std::ofstream completion(argv[2], std::ios::trunc);
  completion << clonediff::cli::bash_completion(line);
  man.close();
  completion.close();
  if (!man || !completion) {
    std::fprintf(stderr, "clonediff-docs: cannot write %s or %s\n", argv[1], argv[2]);
    return 1;
  }
  return 0;
}
