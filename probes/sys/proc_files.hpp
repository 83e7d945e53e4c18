// Small readers for /proc: a task directory opened once and the few files the
// probes parse out of it. Nothing here allocates per line; a read is one
// openat/read/close.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <vector>

#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {

// /proc/<pid> opened as a directory (O_PATH is not enough for fstatat on ns/*).
Result<UniqueFd> open_proc_dir(pid_t pid);

// Reads a whole small file under dirfd into buf; returns the bytes read.
Result<std::string_view> read_small_file(int dirfd, const char* name, char* buf, std::size_t size);
// The same for /proc/<pid>/<name>.
Result<std::string_view> read_proc_file(pid_t pid, const char* name, char* buf, std::size_t size);

// The value of "Key:\t<number>" in a /proc status file.
std::optional<long long> status_field(std::string_view status, std::string_view key);

// All numbers of "Key:\t<n>\t<n>..." (NSpid, say), in order.
std::vector<long long> status_numbers(std::string_view status, std::string_view key);

// Field n (1-based, as proc(5) numbers them) of a /proc stat line. The command
// name (field 2) may hold spaces and parentheses: fields are counted from the
// last ')'.
std::optional<long long> stat_field(std::string_view stat, int n);

}  // namespace clonediff::sys
